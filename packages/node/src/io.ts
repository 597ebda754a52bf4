import { createHash, randomUUID } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { env, MAX_MODEL_BYTES, readDownload, type ModelCache, type ModelIO } from "@anime2d/core";
import { readRegularFile } from "./read-file.js";

/** Node's model IO: files, `fetch`, a cache folder and node:crypto hashing. */
export const nodeModelIO: ModelIO = {
  readFile: (path, limits) => readRegularFile(path, limits?.maxBytes ?? MAX_MODEL_BYTES),
  joinPath: join,
  fetchBytes,
  cache: () => folderCache(modelCacheDir()),
  async sha256(bytes) {
    return createHash("sha256").update(bytes).digest("hex");
  },
};

/** The model cache folder in use: `env.cacheDir` (`ANIME2D_CACHE_DIR`), else {@link defaultCacheDir}. */
export function modelCacheDir(): string {
  return env.cacheDir ?? defaultCacheDir();
}

/** `$XDG_CACHE_HOME/anime2d`, else `~/.cache/anime2d`. */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "anime2d");
}

function folderCache(dir: string): ModelCache {
  return {
    location: dir,
    async get(file) {
      try {
        return await readRegularFile(join(dir, file), MAX_MODEL_BYTES);
      } catch {
        return undefined;
      }
    },
    async put(file, bytes) {
      const path = join(dir, file);
      await mkdir(dirname(path), { recursive: true });
      // Write under a name no other writer (process or concurrent call) uses, check the written
      // size, then rename: the final name only ever holds a whole, verified file.
      const partial = `${path}.${process.pid}-${randomUUID()}.partial`;
      try {
        await writeFile(partial, bytes);
        const written = (await stat(partial)).size;
        if (written !== bytes.length) throw new Error(`wrote ${written} of ${bytes.length} bytes to ${partial}`);
        await rename(partial, path);
      } finally {
        await rm(partial, { force: true });
      }
    },
  };
}

async function fetchBytes(url: string, options: { signal?: AbortSignal; onProgress?: (loaded: number, total?: number) => void }): Promise<Uint8Array> {
  return readDownload(await fetch(url, { signal: options.signal, redirect: "follow" }), url, options.onProgress);
}
