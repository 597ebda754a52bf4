import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import type { AddressInfo } from "node:net";
import { MODEL_DIR, ORT_DIR, PHOTO_DIR, ROOT } from "./paths.js";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".onnx": "application/octet-stream",
};

/** Headers of a cross-origin-isolated page (wasm threads need SharedArrayBuffer). */
export const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
/** The strict policy the issue asks for: no 'unsafe-eval', wasm compilation allowed. */
export const STRICT_CSP = { "Content-Security-Policy": "script-src 'self' 'wasm-unsafe-eval'" };

/** A running loopback server and the paths it was asked for. */
export interface TestServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves a built page from `root` on 127.0.0.1, plus the real models (/models/), ONNX
 * Runtime Web (/ort/), photos (/photos/) and the repository (/repo/). Broken model hosts for
 * error tests: /spa/ answers every path with an HTML page, /truncated/ sends half of each model,
 * /endless is a JPEG-looking body without a length that never ends.
 */
export async function serve(root: string, headers: Record<string, string> = {}): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    handle(root, req, res, headers).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  const common = { ...headers, "Cross-Origin-Resource-Policy": "same-origin", "Cache-Control": "no-store" };
  if (path === "/endless") return endless(res, common);
  if (path.startsWith("/spa/")) {
    res.writeHead(200, { ...common, "Content-Type": MIME[".html"] });
    return void res.end("<!doctype html><html><body>Single-page app fallback</body></html>");
  }
  const [dir, rest] =
    path.startsWith("/models/") ? [MODEL_DIR, path.slice(8)]
    : path.startsWith("/truncated/") ? [MODEL_DIR, path.slice(11)]
    : path.startsWith("/ort/") ? [ORT_DIR, path.slice(5)]
    : path.startsWith("/photos/") ? [PHOTO_DIR, path.slice(8)]
    : path.startsWith("/repo/") ? [ROOT, path.slice(6)]
    : [root, path === "/" ? "index.html" : path.slice(1)];
  const file = normalize(join(dir, rest));
  if (!file.startsWith(dir) || !(await stat(file).catch(() => undefined))?.isFile()) {
    res.writeHead(404, { ...common, "Content-Type": "text/plain" });
    return void res.end("not found");
  }
  let body = await readFile(file);
  if (path.startsWith("/truncated/")) body = body.subarray(0, body.length >> 1);
  // ONNX Runtime's files may be cached, so Chromium can reuse the compiled wasm between pages.
  const cache = path.startsWith("/ort/") ? { "Cache-Control": "max-age=3600" } : {};
  res.writeHead(200, { ...common, ...cache, "Content-Type": MIME[extname(file)] ?? "application/octet-stream", "Content-Length": body.length });
  res.end(body);
}

/** Streams a JPEG signature and then zeros, 64 KiB every 10 ms, until the client goes away. */
function endless(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, "Content-Type": "image/jpeg" });
  res.write(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  const chunk = Buffer.alloc(64 * 1024);
  const timer = setInterval(() => res.write(chunk), 10);
  res.on("close", () => clearInterval(timer));
}
