import type { ImageInput } from "../input.js";
import { ModelPool, type ModelPoolOptions } from "../model-pool.js";
import type { Platform } from "../platform.js";
import { detectFacesWith, type DetectFacesOptions, type Face } from "./detect.js";

/** Options of the one-shot `detectFaces()`: detection options plus model location and threads. */
export type OneShotDetectOptions = DetectFacesOptions & Pick<ModelPoolOptions, "modelDir" | "threads">;

/**
 * The one-shot `detectFaces()` of a platform: keeps one open detector per (modelDir,
 * threads), so repeated calls reuse the session.
 */
export function sharedDetectFaces(platform: Platform): (input: ImageInput, options?: OneShotDetectOptions) => Promise<Face[]> {
  const pools = new Map<string, ModelPool>();
  return (input, options = {}) => {
    const { modelDir, threads, ...detectOptions } = options;
    const key = `${modelDir ?? ""}|${threads ?? ""}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = new ModelPool(platform, { modelDir, threads })));
    return detectFacesWith({ platform, pool }, input, detectOptions);
  };
}
