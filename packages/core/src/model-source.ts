import { Anime2dError, asAnime2dError, throwIfAborted } from "./errors.js";
import type { Anime2dEnv } from "./env.js";
import type { ModelIO } from "./platform.js";
import type { ModelSpec } from "./registry.js";
import type { ProgressCallback } from "./progress.js";

/** An explicit model location: a path, a URL, or the file's bytes. */
export type ModelSource = string | Uint8Array | ArrayBuffer;

/** Where to look for one model, beyond the global {@link Anime2dEnv}. */
export interface ResolveOptions {
  /** Explicit path / URL / bytes; wins over everything else. */
  source?: ModelSource;
  /** Folder holding model files; wins over `env.modelDir`. */
  modelDir?: string;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

const isUrl = (s: string) => /^(https?|blob|data):/i.test(s);

/**
 * Finds a model's bytes and verifies them. Order: explicit source, `modelDir`/`env.modelDir`,
 * the cache, then a download (the upstream URL when the registry names a byte-identical one,
 * else `env.modelHost` + file name). Whatever the origin, the bytes are checked against the
 * registry's size and SHA-256 before ONNX Runtime ever sees them.
 */
export async function resolveModelBytes(spec: ModelSpec, io: ModelIO, env: Anime2dEnv, options: ResolveOptions = {}): Promise<Uint8Array> {
  const source = options.source ?? env.models[spec.id];
  if (source !== undefined) {
    const where = typeof source === "string" ? source : "the bytes given";
    return verifyModelBytes(spec, await readSource(source, spec, io, options), io, where);
  }
  const dir = options.modelDir ?? env.modelDir;
  if (dir) {
    const path = io.joinPath(dir, spec.file);
    // A base URL (browsers) is a remote folder: downloaded once, then served from the cache.
    if (isHttpUrl(path)) return cachedDownload(spec, path, io, env, options);
    return verifyModelBytes(spec, await readSource(path, spec, io, options), io, path);
  }
  return cachedDownload(spec, undefined, io, env, options);
}

const isHttpUrl = (s: string) => /^https?:/i.test(s);

async function cachedDownload(spec: ModelSpec, url: string | undefined, io: ModelIO, env: Anime2dEnv, options: ResolveOptions): Promise<Uint8Array> {
  const cache = env.useCache ? io.cache?.() : undefined;
  const cached = await cache?.get(spec.file);
  if (cached) {
    try {
      return await verifyModelBytes(spec, cached, io, `the cache (${cache!.location})`);
    } catch (error) {
      // A damaged cache entry is replaced by a fresh download below, never used.
      if (!(error instanceof Anime2dError && error.code === "MODEL_INTEGRITY")) throw error;
    }
  }
  const bytes = await downloadVerified(spec, url ? [url] : downloadSources(spec, env), io, options);
  // A cache that cannot be written (read-only, full) costs the next call a download, not this one.
  if (cache) await cache.put(spec.file, bytes).catch(() => undefined);
  return bytes;
}

/**
 * Downloads a model from the first source that serves the verified bytes, trying the next one
 * when a source fails or serves other bytes. The error of a single source is passed on as is;
 * with several, the last one's code carries what each source answered.
 */
export async function downloadVerified(spec: ModelSpec, urls: readonly string[], io: ModelIO, options: ResolveOptions = {}): Promise<Uint8Array> {
  const failures: string[] = [];
  for (const [i, url] of urls.entries()) {
    try {
      return await verifyModelBytes(spec, await download(url, spec, io, options), io, url);
    } catch (error) {
      const failure = asAnime2dError(error, "MODEL_DOWNLOAD_FAILED", `Downloading "${spec.file}" from ${url} failed`);
      if (failure.code === "ABORTED" || urls.length === 1) throw failure;
      failures.push(`${url}: ${failure.message}`);
      if (i === urls.length - 1) {
        throw new Anime2dError(failure.code, `No source served a verified "${spec.file}". ${failures.join(" | ")}`, { cause: error });
      }
    }
  }
  throw new Anime2dError("MODEL_NOT_FOUND", `No download source for "${spec.file}".`);
}

/**
 * Where a model can be downloaded, in the order tried: the configured host
 * (`env.modelHost` / `ANIME2D_MODEL_HOST` + file name), then the registry's verified sources
 * (upstream files with the same SHA-256). Throws `MODEL_NOT_FOUND` naming the way out when
 * downloads are off or there is no source.
 */
export function downloadSources(spec: ModelSpec, env: Anime2dEnv): string[] {
  if (!env.allowRemoteModels) {
    throw new Anime2dError(
      "MODEL_NOT_FOUND",
      `Model file "${spec.file}" for "${spec.id}" was not found locally and downloads are off (env.allowRemoteModels = false). ` +
        `Set modelDir / ANIME2D_MODEL_DIR to a folder holding it, put it in the cache (\`anime2d models fetch|import\`), or pass the file explicitly.`,
    );
  }
  const sources = [...(env.modelHost ? [env.modelHost.replace(/\/*$/, "/") + encodeURIComponent(spec.file)] : []), ...modelSources(spec)];
  if (sources.length) return sources;
  throw new Anime2dError(
    "MODEL_NOT_FOUND",
    `Model file "${spec.file}" for "${spec.id}" is not available locally and has no byte-identical upstream download. ` +
      `Set modelDir / ANIME2D_MODEL_DIR to a folder holding it, env.modelHost / ANIME2D_MODEL_HOST to a host serving it, ` +
      `or put it in the cache with \`anime2d models import DIR\` (see "Getting the models" in the README).`,
  );
}

/** Upstream URLs serving a model's exact bytes: the registry's `sources`, else its single `url`. */
export function modelSources(spec: ModelSpec): string[] {
  return spec.sources?.length ? [...spec.sources] : spec.url ? [spec.url] : [];
}

/**
 * Largest model file read when the registry gives no size: ONNX files are protobuf, which
 * cannot exceed 2 GiB.
 */
export const MAX_MODEL_BYTES = 2 ** 31;

async function readSource(source: ModelSource, spec: ModelSpec, io: ModelIO, options: ResolveOptions): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (isUrl(source)) return io.fetchBytes(source, { signal: options.signal });
  if (!io.readFile) {
    throw new Anime2dError("MODEL_NOT_FOUND", `"${source}" is not a URL and this platform has no file system.`);
  }
  try {
    // One byte over the registry's size is enough to tell a wrong file, without reading all of it.
    return await io.readFile(source, { maxBytes: spec.bytes ?? MAX_MODEL_BYTES });
  } catch (error) {
    const code = (error as { code?: string; reason?: string }).code;
    if ((error as { reason?: string }).reason === "too-large") {
      throw new Anime2dError("MODEL_INTEGRITY", `Model "${spec.id}" at ${source} is larger than the registry's ${spec.bytes ?? MAX_MODEL_BYTES} bytes (wrong file).`, { cause: error });
    }
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new Anime2dError("MODEL_NOT_FOUND", `Model file not found: ${source}`, { cause: error });
    }
    throw asAnime2dError(error, "MODEL_NOT_FOUND", `Could not read model file ${source}`);
  }
}

async function download(url: string, spec: ModelSpec, io: ModelIO, options: ResolveOptions): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const report = (loaded: number, total?: number) =>
    options.onProgress?.({ stage: "download", model: spec.id, url, loaded, total, progress: total ? loaded / total : undefined });
  report(0, spec.bytes);
  try {
    const bytes = await io.fetchBytes(url, { signal: options.signal, onProgress: report });
    report(bytes.length, bytes.length);
    return bytes;
  } catch (error) {
    throwIfAborted(options.signal);
    throw asAnime2dError(error, "MODEL_DOWNLOAD_FAILED", `Downloading "${spec.file}" from ${url} failed`);
  }
}

/** Checks bytes against the registry's size and SHA-256 (and refuses HTML/JSON); `MODEL_INTEGRITY` otherwise. */
export async function verifyModelBytes(spec: ModelSpec, bytes: Uint8Array, io: ModelIO, where: string): Promise<Uint8Array> {
  if (looksLikeText(bytes)) {
    throw new Anime2dError(
      "MODEL_INTEGRITY",
      `Model "${spec.id}" from ${where} is a text/HTML document, not an ONNX file (a web server's error or fallback page?).`,
    );
  }
  if (spec.bytes !== undefined && bytes.length !== spec.bytes) {
    throw new Anime2dError(
      "MODEL_INTEGRITY",
      `Model "${spec.id}" from ${where} has ${bytes.length} bytes; the registry expects ${spec.bytes} (truncated or wrong file).`,
    );
  }
  if (spec.sha256) {
    const actual = await io.sha256(bytes);
    if (actual !== spec.sha256) {
      throw new Anime2dError(
        "MODEL_INTEGRITY",
        `Model "${spec.id}" from ${where} has SHA-256 ${actual}; the registry expects ${spec.sha256}.`,
      );
    }
  }
  return bytes;
}

/** ONNX files are protobuf and start with a small field tag; HTML/JSON starts with '<', '{' or whitespace. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  return bytes[i] === 0x3c /* < */ || bytes[i] === 0x7b /* { */;
}
