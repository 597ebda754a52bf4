import { defineConfig, type Plugin } from "vite";
import { createReadStream, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

/**
 * In dev, serves the model files under models/ from ANIME2D_MODEL_DIR (relative to where vite
 * was started) and makes the page cross-origin isolated for wasm threads. A model file that is
 * not there answers 404, never the page's HTML. Built pages get models from their host.
 */
function serveModels(): Plugin {
  return {
    name: "anime2d-demo-models",
    configureServer(server) {
      const dir = process.env.ANIME2D_MODEL_DIR ? resolve(process.env.ANIME2D_MODEL_DIR) : undefined;
      server.middlewares.use((req, res, next) => {
        res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
        const url = decodeURIComponent((req.url ?? "").split("?")[0]);
        const at = url.indexOf("/models/");
        if (at < 0) return next();
        // Resolve first, then check the result stays inside the model folder.
        const file = dir && resolve(dir, `.${url.slice(at + 7)}`);
        const inside = file !== undefined && file.startsWith(dir + sep);
        if (!inside || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
          res.statusCode = 404;
          res.setHeader("Content-Type", "text/plain");
          return void res.end(dir ? `No model file ${url} in ANIME2D_MODEL_DIR.` : "Set ANIME2D_MODEL_DIR to serve models in dev.");
        }
        res.setHeader("Content-Type", "application/octet-stream");
        createReadStream(file).pipe(res);
      });
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
  plugins: [serveModels()],
});
