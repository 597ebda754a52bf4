import { ModelPool, sharedPool, type ModelPoolOptions } from "./model-pool.js";
import type { ImageInput } from "./input.js";
import type { AnimeImage } from "./output.js";
import { stylizePipeline, type StylizeOptions } from "./pipeline.js";
import type { Platform } from "./platform.js";

/** Options of {@link Stylizer}s: where models come from, threads, and defaults for each call. */
export interface StylizerOptions extends ModelPoolOptions, StylizeOptions {}

/** Options of the one-shot `stylize()`: a call's options plus model location and threads. */
export type OneShotOptions = StylizeOptions & Pick<ModelPoolOptions, "modelDir" | "threads" | "optimize" | "precision">;

/** A stylizer holding open model sessions; call `dispose()` to free them. */
export interface Stylizer {
  /** Stylizes one image with this stylizer's sessions; per-call options override its defaults. */
  stylize(input: ImageInput, options?: StylizeOptions): Promise<AnimeImage>;
  /** Releases the ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

/** Creates a stylizer bound to a platform. */
export function createStylizerFor(platform: Platform, options: StylizerOptions = {}): Stylizer {
  const { modelDir, models, threads, sessionOptions, optimize, precision, ...defaults } = options;
  const pool = new ModelPool(platform, { modelDir, models, threads, sessionOptions, optimize, precision });
  return {
    stylize: (input, callOptions) => stylizePipeline({ platform, pool }, input, { ...defaults, ...callOptions }),
    dispose: () => pool.dispose(),
  };
}

/**
 * The one-shot `stylize()` of a platform, on the platform's shared pool for (modelDir,
 * threads), so repeated calls reuse open sessions.
 */
export function sharedStylize(platform: Platform): (input: ImageInput, options?: OneShotOptions) => Promise<AnimeImage> {
  return (input, options = {}) => {
    const { modelDir, threads, optimize, precision, ...callOptions } = options;
    return stylizePipeline({ platform, pool: sharedPool(platform, { modelDir, threads, optimize, precision }) }, input, callOptions);
  };
}
