#!/usr/bin/env node
// Chromium (onnxruntime-web wasm, SIMD, threads on a cross-origin-isolated page) vs Node
// (onnxruntime-node, CPU) on the same model and input, with the same ONNX Runtime settings on
// both sides: the same number of intra-op threads and no spinning (the web adapter turns
// spinning off; Node is told to as well). Each thread count gets a fresh page, since ONNX
// Runtime Web fixes its threads when it starts. Runs alternate between the two so machine
// noise hits both alike; medians and the browser/Node ratio per thread count are printed as JSON.
//
//   npm run build && ANIME2D_MODEL_DIR=../shared/models npm run bench:web
//   env: BENCH_STYLE (hayao), BENCH_SIZE (512), BENCH_RUNS (7), BENCH_BACKEND (wasm | webgpu), BENCH_THREADS (1,2),
//        CHROMIUM_PATH (/usr/bin/chromium), ANIME2D_PHOTO_DIR (../shared/photos)
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { chromium } from "playwright-core";
import sharp from "sharp";
import { serveIsolated } from "./isolated-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const modelDir = resolve(process.env.ANIME2D_MODEL_DIR ?? join(root, "../shared/models"));
const photoDir = resolve(process.env.ANIME2D_PHOTO_DIR ?? join(root, "../shared/photos"));
const style = process.env.BENCH_STYLE ?? "hayao";
const size = Number(process.env.BENCH_SIZE ?? 512);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const backend = process.env.BENCH_BACKEND ?? "wasm";
const threadCounts = (process.env.BENCH_THREADS ?? "1,2").split(",").map(Number);
if (!existsSync(join(root, "dist/web/index.js")) || !existsSync(join(root, "dist/node/index.js"))) {
  throw new Error("Build first: npm run build");
}
// What the web adapter sets on every session (packages/web/src/platform.ts), for Node too.
const noSpinning = { extra: { session: { intra_op: { allow_spinning: "0" } } } };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The same pixels for both: astronaut.png resized to size², RGB.
const { data, info } = await sharp(join(photoDir, "astronaut.png")).resize(size, size).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const input = { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
const { createStylizer } = await import(join(root, "dist/node/index.js"));

// Browser side: the test harness page, bundled by Vite, served cross-origin isolated.
const outDir = join(root, "test-output", "bench-web");
await build({
  configFile: false, root: join(root, "test/browser/harness"), base: "./", logLevel: "warn",
  resolve: { alias: { "@anime2d/web": join(root, "dist/web/index.js"), "@anime2d/webgpu": join(root, "dist/web/webgpu.js") } },
  worker: { format: "es" }, build: { outDir, emptyOutDir: true, target: "es2022" },
});
const server = await serveIsolated({ dir: outDir, modelDir, root });
const gpuArgs = backend === "webgpu" ? ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-angle=vulkan"] : ["--disable-gpu"];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...gpuArgs],
});

const results = [];
for (const threads of threadCounts) results.push(await compare(threads));
await browser.close();
await server.close();

console.log(JSON.stringify({
  style, size: `${size}x${size}`, runs, chromium: browser.version(), spinning: false,
  results,
  ratios: Object.fromEntries(results.map((r) => [`${r.threads} thread${r.threads > 1 ? "s" : ""}`, r.ratio])),
  goal: "ratio ≤ 2.5",
}, null, 2));

/** Browser and Node, both warm, with `threads` intra-op threads, runs interleaved. */
async function compare(threads) {
  const node = createStylizer({ modelDir, threads, sessionOptions: noSpinning });
  await node.stylize(input, { style });
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === "ready");
  const runtime = await page.evaluate(async ({ input, style, backend, threads }) => {
    anime2d.env.modelDir = "/models/";
    anime2d.webEnv.wasmPaths = "/ort/";
    globalThis.benchInput = { ...input, data: new Uint8ClampedArray(input.data) };
    globalThis.bench = anime2d.createStylizer({ backend, threads });
    await bench.stylize(benchInput, { style });
    return bench.runtimeInfo();
  }, { input: { ...input, data: Array.from(input.data) }, style, backend, threads });
  if (runtime.threads !== threads) throw new Error(`The page runs ${runtime.threads} threads, not ${threads} (is it cross-origin isolated?).`);

  const browserMs = [];
  const nodeMs = [];
  for (let i = 0; i < runs; i++) {
    browserMs.push(await page.evaluate(async (style) => {
      const t = performance.now();
      await bench.stylize(benchInput, { style });
      return performance.now() - t;
    }, style));
    const t = performance.now();
    await node.stylize(input, { style });
    nodeMs.push(performance.now() - t);
  }
  await page.close();
  await node.dispose();
  return {
    threads,
    chromium: { ...runtime, medianMs: Math.round(median(browserMs)), ms: browserMs.map(Math.round) },
    node: { medianMs: Math.round(median(nodeMs)), ms: nodeMs.map(Math.round) },
    ratio: Number((median(browserMs) / median(nodeMs)).toFixed(2)),
  };
}
