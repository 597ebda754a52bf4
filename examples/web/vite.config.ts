import { defineConfig, type Plugin } from "vite";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const ortDist = dirname(createRequire(join(root, "package.json")).resolve("onnxruntime-web/wasm"));
// The wasm build's two files; the page sets webEnv.wasmPaths to "ort/".
const ortFiles = ["ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs"];

/**
 * Self-hosts ONNX Runtime Web's files under ort/ (copied at build, served in dev) and, in dev,
 * the model files under models/ from ANIME2D_MODEL_DIR. Built pages get models from the host.
 */
function selfHost(): Plugin {
  let outDir = "dist";
  return {
    name: "anime2d-self-host",
    configResolved: (config) => void (outDir = resolve(config.root, config.build.outDir)),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
        const url = decodeURIComponent((req.url ?? "").split("?")[0]);
        const file = url.startsWith("/ort/") ? join(ortDist, url.slice(5))
          : url.startsWith("/models/") && process.env.ANIME2D_MODEL_DIR ? join(process.env.ANIME2D_MODEL_DIR, url.slice(8))
          : undefined;
        if (!file || file.includes("..") || !existsSync(file)) return next();
        res.setHeader("Content-Type", file.endsWith(".mjs") ? "text/javascript" : "application/octet-stream");
        createReadStream(file).pipe(res);
      });
    },
    async closeBundle() {
      await mkdir(join(outDir, "ort"), { recursive: true });
      await Promise.all(ortFiles.map((f) => copyFile(join(ortDist, f), join(outDir, "ort", f))));
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  resolve: { alias: { anime2d: join(root, "dist/web/index.js") } },
  // ES-module workers share chunks with the page instead of inlining them (optional).
  worker: { format: "es" },
  build: { target: "es2022", outDir: process.env.ANIME2D_DEMO_OUT ?? "dist", emptyOutDir: true },
  plugins: [selfHost()],
});
