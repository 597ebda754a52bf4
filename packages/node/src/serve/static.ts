import { createReadStream, existsSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { env, listModels } from "../index.js";
import { notFound } from "./backend.js";
import type { ServeConfig } from "./options.js";
import { loadStatic } from "./peers.js";

/** This module's folder, in the ESM and the CJS build and under vitest. */
const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));

/**
 * The web page and what its in-browser mode needs: the page (`/`, `/ui/…`), the package's
 * browser build (`/lib/…`), ONNX Runtime Web (`/ort/…`) and the registry's model files by
 * SHA-256 (`/v1/models/<sha256>`). Nothing else on disk can be named by a client.
 */
export async function registerStatic(app: FastifyInstance, config: ServeConfig): Promise<void> {
  const fastifyStatic = await loadStatic();
  const ui = join(here, "ui");
  const root = packageRoot(here);
  const web = root && join(root, "dist", "web");
  const ort = ortDir();
  const noDotFiles = { serveDotFiles: false, index: false as const, wildcard: true };
  await app.register(fastifyStatic, { ...noDotFiles, root: ui, prefix: "/ui/", maxAge: 0 });
  app.get("/", (_request, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").sendFile("index.html", ui));
  if (web && existsSync(join(web, "index.js"))) {
    await app.register(fastifyStatic, { ...noDotFiles, root: web, prefix: "/lib/", decorateReply: false, allowedPath: (path) => /^\/[\w.-]+\.js$/.test(path) });
  }
  if (ort) {
    await app.register(fastifyStatic, { ...noDotFiles, root: ort, prefix: "/ort/", decorateReply: false, maxAge: "1d", allowedPath: (path) => /^\/ort[\w.-]*\.(mjs|wasm)$/.test(path) });
  }

  app.get<{ Params: { sha256: string } }>("/v1/models/:sha256", async (request, reply) => {
    const spec = listModels().find((m) => m.sha256 === request.params.sha256);
    const dir = config.modelDir ?? env.modelDir;
    const file = spec && dir ? join(dir, spec.file) : undefined;
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) throw notFound(`Model ${request.params.sha256.slice(0, 64)}`);
    // Named by content: a browser may keep it forever.
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-length", String(info.size))
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(createReadStream(file));
  });
}

/** The folder of the `anime2d` package (for its browser build), found by walking up. */
function packageRoot(from: string): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "anime2d") return dir;
  }
  return undefined;
}

function ortDir(): string | undefined {
  try {
    return dirname(createRequire(join(here, "noop.js")).resolve("onnxruntime-web"));
  } catch {
    return undefined;
  }
}
