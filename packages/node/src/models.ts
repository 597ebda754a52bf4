import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  Anime2dError,
  cacheStatus,
  env,
  fetchIntoCache,
  importIntoCache,
  listModels,
  modelsById,
  type ModelSpec,
  type ModelStatus,
  type ProgressCallback,
} from "@anime2d/core";
import { modelCacheDir, nodeModelIO } from "./io.js";

/** The state of the given models (all when none given) in the cache: installed, damaged or missing. */
export function modelStatus(ids: readonly string[] = []): Promise<ModelStatus[]> {
  return cacheStatus(nodeModelIO, env, modelsById(ids));
}

/** Options of {@link fetchModels}. */
export interface FetchModelsOptions {
  signal?: AbortSignal;
  /** `download` events per file (`model`, `loaded`, `total`). */
  onProgress?: ProgressCallback;
}

/**
 * Downloads models (all registered when no id is given) into the cache from `ANIME2D_MODEL_HOST`
 * and the registry's verified sources, checking size and SHA-256. Files already cached and
 * verified are kept. Resolves to each model's outcome; a model without a source rejects with
 * `MODEL_NOT_FOUND`.
 */
export async function fetchModels(ids: readonly string[] = [], options: FetchModelsOptions = {}): Promise<{ id: string; outcome: "cached" | "downloaded" }[]> {
  const results = [];
  for (const model of modelsById(ids)) {
    results.push({ id: model.id, outcome: await fetchIntoCache(model, nodeModelIO, env, options) });
  }
  return results;
}

/** What {@link importModels} did with each file of the folder. */
export interface ImportResult {
  file: string;
  /** The model the file belongs to, when its name is a registry file name. */
  id?: string;
  outcome: "imported" | "failed" | "unknown";
  /** Why a file failed (its `Anime2dError` message). */
  reason?: string;
}

/**
 * Imports model files from a folder (files named as in the registry, e.g. from your own host or
 * converted yourself): each is verified by size and SHA-256, then copied into the cache. Files
 * with other names are reported as `unknown`; files with other bytes as `failed`.
 */
export async function importModels(dir: string): Promise<ImportResult[]> {
  const byFile = new Map<string, ModelSpec>(listModels().map((m) => [m.file, m as ModelSpec]));
  const results: ImportResult[] = [];
  const files = await readdir(dir).catch((error: Error) => {
    throw new Anime2dError("INVALID_INPUT", `Cannot read the folder ${dir}: ${error.message}`, { cause: error });
  });
  for (const file of files.sort()) {
    const model = byFile.get(file);
    if (!model) {
      if (file.endsWith(".onnx")) results.push({ file, outcome: "unknown" });
      continue;
    }
    const path = join(dir, file);
    try {
      await importIntoCache(model, new Uint8Array(await readFile(path)), path, nodeModelIO, env);
      results.push({ file, id: model.id, outcome: "imported" });
    } catch (error) {
      results.push({ file, id: model.id, outcome: "failed", reason: (error as Error).message });
    }
  }
  return results;
}

export { modelCacheDir };
