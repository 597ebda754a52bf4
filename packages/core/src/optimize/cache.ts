import type { ModelCache, ModelIO } from "../platform.js";
import { concat } from "../onnx/protobuf.js";
import { OPTIMIZER_VERSION, optimizeModel } from "./index.js";
import type { Int8Params } from "./int8-qdq.js";

/**
 * Optimised graphs, built on a model's first load and kept in the platform's model cache (a
 * folder in Node, written atomically; the Cache API in browsers). Each entry carries a header
 * with the optimiser version, the source file's SHA-256 and its own SHA-256: an entry from
 * another optimiser version, of another source or damaged in any byte is rebuilt, never used.
 */

const MAGIC = "anime2d-optimized\n";

interface Header {
  version: number;
  precision: "fp32" | "int8";
  source: string;
  sha256: string;
  bytes: number;
}

/** The cache entry name of a source file's optimised graph (the precision is part of the key). */
export const optimizedCacheFile = (sourceSha256: string, precision: "fp32" | "int8" = "fp32") =>
  precision === "fp32" ? `optimized/${sourceSha256}.onnx` : `optimized/${sourceSha256}.${precision}.onnx`;

/**
 * Returns the optimised graph of `source` (whose SHA-256 is `sourceSha256`), from the cache when
 * a valid entry is there, else built now and stored. Returns `source` itself when no rewrite
 * applies.
 */
export async function optimizedBytes(source: Uint8Array, sourceSha256: string, io: ModelIO, cache: ModelCache | undefined, int8?: Int8Params): Promise<Uint8Array> {
  const precision = int8 ? "int8" : "fp32";
  const file = optimizedCacheFile(sourceSha256, precision);
  const cached = await cache?.get(file).catch(() => undefined);
  if (cached) {
    const payload = await readEntry(cached, sourceSha256, precision, io);
    if (payload) return payload.length === 0 ? source : payload;
  }
  const { bytes, report } = optimizeModel(source, { int8 });
  const changed = Object.values(report).some((n) => n > 0);
  // An empty payload records "nothing to rewrite", so the next load skips the work.
  const payload = changed ? bytes : new Uint8Array(0);
  if (cache) await cache.put(file, await writeEntry(payload, sourceSha256, precision, io)).catch(() => undefined);
  return changed ? bytes : source;
}

async function writeEntry(payload: Uint8Array, source: string, precision: Header["precision"], io: ModelIO): Promise<Uint8Array> {
  const header: Header = { version: OPTIMIZER_VERSION, precision, source, sha256: await io.sha256(payload), bytes: payload.length };
  return concat([new TextEncoder().encode(MAGIC + JSON.stringify(header) + "\n"), payload]);
}

/** The entry's payload when its header matches this optimiser and source and its hash checks. */
async function readEntry(entry: Uint8Array, source: string, precision: Header["precision"], io: ModelIO): Promise<Uint8Array | undefined> {
  const magic = new TextEncoder().encode(MAGIC);
  if (entry.length < magic.length || magic.some((b, i) => entry[i] !== b)) return undefined;
  const end = entry.indexOf(0x0a, magic.length);
  if (end < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(entry.subarray(magic.length, end))) as Header;
  } catch {
    return undefined;
  }
  const payload = entry.subarray(end + 1);
  if (header.version !== OPTIMIZER_VERSION || (header.precision ?? "fp32") !== precision || header.source !== source || header.bytes !== payload.length) return undefined;
  if ((await io.sha256(payload)) !== header.sha256) return undefined;
  return payload;
}

/**
 * The bytes a style model's session should run: its optimised graph, or the source itself
 * when optimising fails (a rewrite bug must cost speed, never a stylization).
 */
export async function runnableBytes(source: Uint8Array, knownSha256: string | undefined, io: ModelIO, cache: ModelCache | undefined, int8?: Int8Params): Promise<Uint8Array> {
  try {
    return await optimizedBytes(source, knownSha256 ?? (await io.sha256(source)), io, cache, int8);
  } catch (error) {
    // Still a stylization, from the published file; but whoever asked for INT8 must learn why it is slower.
    if (int8) console.warn(`anime2d: the INT8 graph could not be built (${(error as Error).message}); running the published fp32 file.`);
    return source;
  }
}
