import type { ImageInput } from "../input.js";
import { sharedPool, type ModelPoolOptions } from "../model-pool.js";
import type { Platform } from "../platform.js";
import { detectFacesWith, type DetectFacesOptions, type Face } from "./detect.js";

/** Options of the one-shot `detectFaces()`: detection options plus model location and threads. */
export type OneShotDetectOptions = DetectFacesOptions & Pick<ModelPoolOptions, "modelDir" | "threads">;

/**
 * The one-shot `detectFaces()` of a platform, on the platform's shared pool for (modelDir,
 * threads), so repeated calls reuse the session.
 */
export function sharedDetectFaces(platform: Platform): (input: ImageInput, options?: OneShotDetectOptions) => Promise<Face[]> {
  return (input, options = {}) => {
    const { modelDir, threads, ...detectOptions } = options;
    return detectFacesWith({ platform, pool: sharedPool(platform, { modelDir, threads }) }, input, detectOptions);
  };
}
