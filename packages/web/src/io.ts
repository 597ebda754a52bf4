import { Anime2dError, env, type ModelCache, type ModelIO } from "@anime2d/core";
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
  const response = await fetch(absoluteUrl(url), { signal: options.signal });
  if (!response.ok) {
    throw new Anime2dError("MODEL_DOWNLOAD_FAILED", `GET ${url} answered ${response.status} ${response.statusText}.`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (/^text\/html/i.test(type)) {
    // The usual SPA fallback: the server answers index.html for a file it does not have.
    throw new Anime2dError("MODEL_INTEGRITY", `GET ${url} answered an HTML page (${type}), not a model file: is the file missing on the server?`);
  }
  const total = Number(response.headers.get("content-length")) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    options.onProgress?.(loaded, total);
  }
  return concat(chunks, loaded);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
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
