import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { env, readDownload, type ModelCache, type ModelIO } from "@anime2d/core";

/** Node's model IO: files, `fetch`, a cache folder and node:crypto hashing. */
export const nodeModelIO: ModelIO = {
  async readFile(path) {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  },
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
        const buffer = await readFile(join(dir, file));
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
      } catch {
        return undefined;
      }
    },
    async put(file, bytes) {
      const path = join(dir, file);
      await mkdir(dirname(path), { recursive: true });
      // Write then rename, so a crash never leaves a half file under the final name; the
      // temporary name is unique, so two writers of one file never share it.
      const partial = `${path}.${process.pid}-${randomUUID()}.partial`;
      try {
        await writeFile(partial, bytes);
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
  };
}

async function fetchBytes(url: string, options: { signal?: AbortSignal; onProgress?: (loaded: number, total?: number) => void }): Promise<Uint8Array> {
  return readDownload(await fetch(url, { signal: options.signal, redirect: "follow" }), url, options.onProgress);
}
