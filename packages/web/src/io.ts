import { Anime2dError, env, readDownload, type ModelCache, type ModelIO } from "@anime2d/core";
import { sha256Js } from "./sha256.js";

/** Cache API name used when `env.cacheDir` is unset. */
export const DEFAULT_CACHE_NAME = "anime2d-models";

/**
 * The browser's model IO: `fetch` (relative URLs resolve against the page), the Cache API as
 * the model cache and SubtleCrypto for SHA-256.
 */
export const webModelIO: ModelIO = {
  // Paths are URLs relative to the page: "/models/x.onnx" is read like a file would be.
  readFile: readUrl,
  joinPath: joinUrl,
  fetchBytes,
  cache: () => (typeof caches === "undefined" ? undefined : cacheApi(env.cacheDir ?? DEFAULT_CACHE_NAME)),
  async sha256(bytes) {
    const subtle = globalThis.crypto?.subtle;
    // SubtleCrypto only exists in secure contexts; plain-HTTP pages fall back to the JS hash.
    if (!subtle) return sha256Js(bytes);
    const digest = await subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  },
};

/** Resolves a (possibly relative) URL against the document or worker location. */
export function absoluteUrl(url: string): string {
  const base = globalThis.location?.href;
  try {
    return base ? new URL(url, base).href : new URL(url).href;
  } catch (error) {
    throw new Anime2dError("INVALID_OPTION", `"${url}" is not a valid URL.`, { cause: error });
  }
}

async function readUrl(path: string): Promise<Uint8Array> {
  const response = await fetch(absoluteUrl(path));
  if (response.status === 404) throw Object.assign(new Error(`GET ${path} answered 404`), { code: "ENOENT" });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

function joinUrl(base: string, file: string): string {
  const folder = absoluteUrl(base.endsWith("/") ? base : `${base}/`);
  return new URL(encodeURIComponent(file), folder).href;
}

async function fetchBytes(url: string, options: { signal?: AbortSignal; onProgress?: (loaded: number, total?: number) => void }): Promise<Uint8Array> {
  return readDownload(await fetch(absoluteUrl(url), { signal: options.signal }), url, options.onProgress);
}

/** Cache entries live under a private URL so they never collide with the page's own requests. */
const cacheKey = (file: string) => `https://anime2d.invalid/models/${encodeURIComponent(file)}`;

function cacheApi(name: string): ModelCache {
  return {
    location: `Cache API "${name}"`,
    async get(file) {
      try {
        const hit = await (await caches.open(name)).match(cacheKey(file));
        return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
      } catch {
        // Storage can be disabled (private mode, quota); the model is then fetched again.
        return undefined;
      }
    },
    async put(file, bytes) {
      try {
        const body = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" });
        await (await caches.open(name)).put(cacheKey(file), new Response(body));
      } catch {
        // A full or disabled cache only costs a second download next time.
      }
    },
  };
}
