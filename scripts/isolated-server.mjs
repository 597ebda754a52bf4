import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
// Cross-origin isolation, so the page may start wasm threads.
const HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cross-Origin-Resource-Policy": "same-origin" };

/**
 * A loopback server for the browser benchmarks, with COOP/COEP: the page from `dir`, the model
 * files under /models/ and ONNX Runtime Web's files under /ort/.
 */
export async function serveIsolated({ dir, modelDir, root }) {
  const ortDir = join(root, "node_modules/onnxruntime-web/dist");
  const http = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [base, rest] = path.startsWith("/models/") ? [modelDir, path.slice(8)] : path.startsWith("/ort/") ? [ortDir, path.slice(5)] : [dir, path === "/" ? "index.html" : path.slice(1)];
    const file = normalize(join(base, rest));
    if (!file.startsWith(base) || !(await stat(file).catch(() => undefined))?.isFile()) return res.writeHead(404, HEADERS).end();
    res.writeHead(200, { ...HEADERS, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(await readFile(file));
  });
  await new Promise((ok) => http.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${http.address().port}/`, close: () => new Promise((ok) => (http.closeAllConnections(), http.close(ok))) };
}
