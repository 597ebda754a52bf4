// Load test of `anime2d serve` on 127.0.0.1: autocannon with 32 connections sending a mix of
// 512² photos, tiny images and bad files (HTML posing as PNG, a pixel bomb, a truncated JPEG);
// far more than the models can take, so most requests are shed with 429 before their upload is
// read, and the bad files get their own 4xx whenever there is room to look at them,
// while a separate thread probes GET /healthz to show the event loop stays free. Prints
// requests/s, images/s, latency, status codes, the server's RSS before/after, and /healthz
// latency idle vs under load (same run). Build first: npm run build.
//   npm run bench:serve [-- --duration 60 --connections 32 --workers 1]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { crc32 } from "node:zlib";
import autocannon from "autocannon";
import sharp from "sharp";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "32" },
    workers: { type: "string" },
    "max-queue": { type: "string", default: "8" },
    photo: { type: "string", default: "../shared/photos/laos.jpg" },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

// --- the server, as users run it: the built CLI in its own process -----------------------------
const args = ["bin/anime2d.js", "serve", "--port", "0", "--no-ui", "--max-queue", values["max-queue"], "--timeout-ms", "60000"];
if (values.workers) args.push("--workers", values.workers);
const server = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: process.env });
let serverExited = undefined;
server.on("exit", (code, signal) => (serverExited = signal ?? code));
const url = await new Promise((resolve, reject) => {
  let text = "";
  server.stdout.on("data", (chunk) => {
    text += chunk;
    const match = text.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (match) resolve(match[1]);
  });
  server.on("exit", () => reject(new Error(`server exited: ${text}`)));
});
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))[1]) / 1024;

// --- the request mix ---------------------------------------------------------------------------
const photo512 = await sharp(values.photo).resize(512, 512, { fit: "cover" }).jpeg({ quality: 90 }).toBuffer();
const tiny = await sharp(values.photo).resize(48, 32).png().toBuffer();
const html = Buffer.from("<!doctype html><html><body>not an image</body></html>");
const bomb = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).png().toBuffer());
bomb.writeUInt32BE(50_000, 16);
bomb.writeUInt32BE(50_000, 20);
bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
const truncated = photo512.subarray(0, 2000);
const post = (path, body, type) => ({ method: "POST", path, body, headers: { "content-type": type } });
const requests = [
  post("/v1/stylize?style=hayao&format=jpeg", photo512, "image/jpeg"),
  post("/v1/stylize?style=cute", tiny, "image/png"),
  post("/v1/stylize", html, "image/png"),
  post("/v1/stylize?style=hayao", photo512, "image/jpeg"),
  post("/v1/stylize", bomb, "image/png"),
  post("/v1/stylize?style=cute", truncated, "image/jpeg"),
  post("/v1/stylize?style=nope", tiny, "image/png"),
];

// --- /healthz probe in its own thread (autocannon's work must not delay the probe) -------------
const probeSource = `
  const { parentPort, workerData } = require("node:worker_threads");
  const times = [];
  let stop = false;
  parentPort.on("message", () => (stop = true));
  (async () => {
    while (!stop) {
      const t = performance.now();
      const r = await fetch(workerData.url + "/healthz");
      await r.arrayBuffer();
      times.push(performance.now() - t);
      await new Promise((ok) => setTimeout(ok, 50));
    }
    parentPort.postMessage(times);
  })();`;
function probe(ms) {
  return new Promise((resolve) => {
    const worker = new Worker(probeSource, { eval: true, workerData: { url } });
    worker.once("message", (times) => (worker.terminate(), resolve(times)));
    setTimeout(() => worker.postMessage("stop"), ms);
  });
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

// Warm up (models opened) before measuring memory and the idle baseline.
await fetch(`${url}/readyz`);
for (const body of [photo512, tiny]) await (await fetch(`${url}/v1/stylize?style=${body === tiny ? "cute" : "hayao"}`, { method: "POST", body, headers: { "content-type": "image/jpeg" } })).arrayBuffer();
const rssBefore = rssMb();
const idle = await probe(3000);

console.log(`anime2d bench:serve — ${duration} s, ${connections} connections, ${url}, request mix: 2× photo 512² (hayao), tiny 48×32 (cute), HTML as PNG, pixel bomb, truncated JPEG, unknown style`);
const [result, loaded] = await Promise.all([
  autocannon({ url, connections, duration, requests, timeout: 60 }),
  probe(duration * 1000 - 500),
]);
await new Promise((ok) => setTimeout(ok, 1000));
const rssAfter = rssMb();
const health = await (await fetch(`${url}/healthz`)).json();

const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
const images = codes["200"] ?? 0;
const unexpected5xx = Object.entries(codes).filter(([code]) => code >= "500" && code !== "503");
console.log(`requests/s        ${(result.requests.total / duration).toFixed(1)} (${result.requests.total} requests, ${result.errors} errors, ${result.timeouts} timeouts)`);
console.log(`images/s          ${(images / duration).toFixed(2)} (${images} stylized)`);
console.log(`latency (all)     p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
console.log(`status codes      ${JSON.stringify(codes)}`);
console.log(`server RSS        before ${rssBefore.toFixed(0)} MB, after ${rssAfter.toFixed(0)} MB (×${(rssAfter / rssBefore).toFixed(2)})`);
console.log(`GET /healthz      idle p50 ${pct(idle, 50).toFixed(1)} ms p99 ${pct(idle, 99).toFixed(1)} ms; under load p50 ${pct(loaded, 50).toFixed(1)} ms p99 ${pct(loaded, 99).toFixed(1)} ms (${loaded.length} probes; load/idle p99 ×${(pct(loaded, 99) / pct(idle, 99)).toFixed(1)}; goal p99 ≤ 50 ms)`);
console.log(`server event loop delay (its own histogram, whole run): p50 ${health.eventLoopDelayMs.p50} ms, p99 ${health.eventLoopDelayMs.p99} ms, max ${health.eventLoopDelayMs.max} ms`);
console.log(`server            ${serverExited === undefined ? "alive" : `EXITED (${serverExited})`}; unexpected 5xx: ${unexpected5xx.length ? JSON.stringify(Object.fromEntries(unexpected5xx)) : "none"}`);

server.kill("SIGTERM");
await new Promise((ok) => server.once("exit", ok));
process.exitCode = serverExited !== undefined || unexpected5xx.length ? 1 : 0;
