import type { ModelCache, ModelIO } from "../platform.js";
import { concat } from "../onnx/protobuf.js";
import { OPTIMIZER_VERSION, optimizeModel, type OptimizeResult } from "./index.js";
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
  /** ONNX Runtime's NCHWc block size the graph was written for (blocked-layout.ts), if any. */
  blockSize?: number;
  source: string;
  sha256: string;
  bytes: number;
}

/** The cache entry name of a source file's optimised graph (precision and block size are part of the key). */
export const optimizedCacheFile = (sourceSha256: string, precision: "fp32" | "int8" = "fp32", blockSize = 0) =>
  `optimized/${sourceSha256}${precision === "fp32" ? "" : `.${precision}`}${blockSize ? `.nchwc${blockSize}` : ""}.onnx`;

/**
 * The fp32 graph in ONNX Runtime's blocked layout (blocked-layout.ts), for this machine's
 * block size; `verify` runs candidate and plain graph and says whether they agree. A blocked
 * graph that fails it (or cannot be built) is replaced by the plain optimised graph.
 */
export interface BlockedLayout {
  blockSize: number;
  verify(candidate: Uint8Array, plain: Uint8Array): Promise<boolean>;
}

/**
 * Returns the optimised graph of `source` (whose SHA-256 is `sourceSha256`), from the cache when
 * a valid entry is there, else built now and stored. Returns `source` itself when no rewrite
 * applies.
 */
export async function optimizedBytes(
  source: Uint8Array,
  sourceSha256: string,
  io: ModelIO,
  cache: ModelCache | undefined,
  int8?: Int8Params,
  blocked?: BlockedLayout,
): Promise<Uint8Array> {
  const precision = int8 ? "int8" : "fp32";
  const blockSize = int8 ? 0 : (blocked?.blockSize ?? 0);
  const file = optimizedCacheFile(sourceSha256, precision, blockSize);
  const cached = await cache?.get(file).catch(() => undefined);
  if (cached) {
    const payload = await readEntry(cached, sourceSha256, precision, blockSize, io);
    if (payload) return payload.length === 0 ? source : payload;
  }
  const { bytes, report, plain } = optimize(source, int8, blockSize);
  const changed = Object.values(report).some((n) => n > 0);
  const built = report.blockedLayout ? await checkedBlocked(bytes, plain!, blocked!) : bytes;
  // An empty payload records "nothing to rewrite", so the next load skips the work.
  const payload = changed ? built : new Uint8Array(0);
  if (cache) await cache.put(file, await writeEntry(payload, sourceSha256, precision, blockSize, io)).catch(() => undefined);
  return changed ? built : source;
}

/** The optimised graph; a bug in the blocked layout costs only the blocked layout. */
function optimize(source: Uint8Array, int8: Int8Params | undefined, blockSize: number): OptimizeResult {
  if (!blockSize) return optimizeModel(source, { int8 });
  try {
    return optimizeModel(source, { blockSize });
  } catch (error) {
    console.warn(`anime2d: the NCHWc${blockSize} graph could not be built (${(error as Error).message}); using the plain optimised graph.`);
    return optimizeModel(source);
  }
}

/** The blocked graph when it agrees with the plain one, else the plain one. */
async function checkedBlocked(candidate: Uint8Array, plain: Uint8Array, blocked: BlockedLayout): Promise<Uint8Array> {
  try {
    if (await blocked.verify(candidate, plain)) return candidate;
    console.warn(`anime2d: the NCHWc${blocked.blockSize} graph disagreed with the plain optimised graph; using the plain one.`);
  } catch (error) {
    console.warn(`anime2d: the NCHWc${blocked.blockSize} graph could not be used (${(error as Error).message}); using the plain optimised graph.`);
  }
  return plain;
}

async function writeEntry(payload: Uint8Array, source: string, precision: Header["precision"], blockSize: number, io: ModelIO): Promise<Uint8Array> {
  const header: Header = { version: OPTIMIZER_VERSION, precision, ...(blockSize ? { blockSize } : {}), source, sha256: await io.sha256(payload), bytes: payload.length };
  return concat([new TextEncoder().encode(MAGIC + JSON.stringify(header) + "\n"), payload]);
}

/** The entry's payload when its header matches this optimiser and source and its hash checks. */
async function readEntry(entry: Uint8Array, source: string, precision: Header["precision"], blockSize: number, io: ModelIO): Promise<Uint8Array | undefined> {
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
  if (header.version !== OPTIMIZER_VERSION || (header.precision ?? "fp32") !== precision || (header.blockSize ?? 0) !== blockSize) return undefined;
  if (header.source !== source || header.bytes !== payload.length) return undefined;
  if ((await io.sha256(payload)) !== header.sha256) return undefined;
  return payload;
}

/**
 * The bytes a style model's session should run: its optimised graph, or the source itself
 * when optimising fails (a rewrite bug must cost speed, never a stylization).
 */
export async function runnableBytes(
  source: Uint8Array,
  knownSha256: string | undefined,
  io: ModelIO,
  cache: ModelCache | undefined,
  int8?: Int8Params,
  blocked?: BlockedLayout,
): Promise<Uint8Array> {
  try {
    return await optimizedBytes(source, knownSha256 ?? (await io.sha256(source)), io, cache, int8, blocked);
  } catch (error) {
    // Still a stylization, from the published file; but whoever asked for INT8 must learn why it is slower.
    if (int8) console.warn(`anime2d: the INT8 graph could not be built (${(error as Error).message}); running the published fp32 file.`);
    return source;
  }
}
