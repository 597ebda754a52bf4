import { Anime2dError, asAnime2dError } from "./errors.js";
import type { Anime2dEnv } from "./env.js";
import { downloadSources, downloadVerified, modelSources, verifyModelBytes, type ResolveOptions } from "./model-source.js";
import type { ModelCache, ModelIO } from "./platform.js";
import { getModel, listModels, type ModelSpec, type StyleInfo } from "./registry.js";

/** Where a model stands in the local cache (the `anime2d models list` view). */
export interface ModelStatus {
  model: StyleInfo;
  /** `installed`: in the cache and verified; `damaged`: in the cache with other bytes; `missing`: not there. */
  state: "installed" | "damaged" | "missing";
  /** Download URLs in the order tried (configured host first); empty when none is known. */
  sources: string[];
}

/** The models of the given ids (every registered model when none is given); `UNKNOWN_STYLE` for an unknown id. */
export function modelsById(ids: readonly string[] = []): ModelSpec[] {
  if (!ids.length) return listModels() as ModelSpec[];
  return ids.map((id) => {
    const found = listModels().find((m) => m.id === id);
    if (!found) getModel(id); // throws UNKNOWN_STYLE listing the ids that exist
    return found as ModelSpec;
  });
}

/** Each model's state in the cache, verified by size and SHA-256. */
export async function cacheStatus(io: ModelIO, env: Anime2dEnv, models: readonly ModelSpec[] = modelsById()): Promise<ModelStatus[]> {
  const cache = requireCache(io, env);
  return Promise.all(
    models.map(async (model) => {
      const bytes = await cache.get(model.file);
      const state = !bytes ? "missing" : (await isVerified(model, bytes, io)) ? "installed" : "damaged";
      return { model: model as StyleInfo, state, sources: sourcesOf(model, env) } satisfies ModelStatus;
    }),
  );
}

/**
 * Downloads a model into the cache from the configured host or its verified sources. The bytes
 * are verified in memory before the cache writes them (under a temporary name, then renamed).
 * A model already cached and verified is not downloaded again.
 */
export async function fetchIntoCache(model: ModelSpec, io: ModelIO, env: Anime2dEnv, options: ResolveOptions = {}): Promise<"cached" | "downloaded"> {
  const cache = requireCache(io, env);
  const existing = await cache.get(model.file);
  if (existing && (await isVerified(model, existing, io))) return "cached";
  const bytes = await downloadVerified(model, downloadSources(model, env), io, options);
  await cache.put(model.file, bytes);
  return "downloaded";
}

/** Verifies a model file's bytes (from a folder the user has) and puts them into the cache. */
export async function importIntoCache(model: ModelSpec, bytes: Uint8Array, where: string, io: ModelIO, env: Anime2dEnv): Promise<void> {
  const cache = requireCache(io, env);
  await verifyModelBytes(model, bytes, io, where);
  try {
    await cache.put(model.file, bytes);
  } catch (error) {
    throw asAnime2dError(error, "MODEL_NOT_FOUND", `Could not write "${model.file}" into the cache (${cache.location})`);
  }
}

function sourcesOf(model: ModelSpec, env: Anime2dEnv): string[] {
  try {
    return downloadSources(model, env);
  } catch {
    return env.allowRemoteModels ? [] : modelSources(model);
  }
}

async function isVerified(model: ModelSpec, bytes: Uint8Array, io: ModelIO): Promise<boolean> {
  try {
    await verifyModelBytes(model, bytes, io, "the cache");
    return true;
  } catch {
    return false;
  }
}

function requireCache(io: ModelIO, env: Anime2dEnv): ModelCache {
  const cache = env.useCache ? io.cache?.() : undefined;
  if (!cache) throw new Anime2dError("UNSUPPORTED", "This platform has no model cache (or env.useCache is false).");
  return cache;
}
