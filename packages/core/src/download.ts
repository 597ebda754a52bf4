import { Anime2dError } from "./errors.js";

/**
 * Reads a model download from a standard `fetch` Response (Node 18+ and browsers alike):
 * refuses error statuses and HTML answers (the usual SPA fallback for a missing file),
 * reports progress as chunks arrive, and returns the bytes in one buffer.
 */
export async function readDownload(response: Response, url: string, onProgress?: (loaded: number, total?: number) => void): Promise<Uint8Array> {
  if (!response.ok) {
    throw new Anime2dError("MODEL_DOWNLOAD_FAILED", `GET ${url} answered ${response.status} ${response.statusText}.`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (/^text\/html/i.test(type)) {
    throw new Anime2dError("MODEL_INTEGRITY", `GET ${url} answered an HTML page (${type}), not a model file: is the file missing on the server?`);
  }
  const total = Number(response.headers.get("content-length")) || undefined;
  return readBody(response, (loaded) => onProgress?.(loaded, total));
}

/**
 * Reads a Response body into one buffer, chunk by chunk. `onChunk` sees the running byte count
 * and may throw to stop reading (a size limit): the stream is then cancelled, so a body that
 * never ends costs no more than the limit.
 */
export async function readBody(response: Response, onChunk?: (loaded: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    try {
      onChunk?.(loaded);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    }
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
