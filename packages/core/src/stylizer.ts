import { ModelPool, sharedPool, type ModelPoolOptions } from "./model-pool.js";
import type { ImageInput } from "./input.js";
import type { AnimeImage } from "./output.js";
import { stylizePipeline, type StylizeOptions } from "./pipeline.js";
import type { Platform } from "./platform.js";
import { measureStatisticsWith } from "./video/measure.js";
import type { FrozenStats } from "./video/statistics.js";

/** Options of {@link Stylizer}s: where models come from, threads, and defaults for each call. */
export interface StylizerOptions extends ModelPoolOptions, StylizeOptions {}

/** Options of the one-shot `stylize()`: a call's options plus model location and threads. */
export type OneShotOptions = StylizeOptions & Pick<ModelPoolOptions, "modelDir" | "threads">;

/** A stylizer holding open model sessions; call `dispose()` to free them. */
export interface Stylizer {
  /** Stylizes one image with this stylizer's sessions; per-call options override its defaults. */
  stylize(input: ImageInput, options?: StylizeOptions): Promise<AnimeImage>;
  /**
   * Measures the style generator's normalisation statistics on several images (a video
   * shot's first frames), to pass as `statistics` to `stylize()`; `undefined` for styles
   * without global statistics.
   */
  measureStatistics?(frames: ImageInput[], options?: StylizeOptions): Promise<FrozenStats | undefined>;
  /** Releases the ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

/** Creates a stylizer bound to a platform. */
export function createStylizerFor(platform: Platform, options: StylizerOptions = {}): Stylizer {
  const { modelDir, models, threads, sessionOptions, ...defaults } = options;
  const pool = new ModelPool(platform, { modelDir, models, threads, sessionOptions });
  return {
    stylize: (input, callOptions) => stylizePipeline({ platform, pool }, input, { ...defaults, ...callOptions }),
    measureStatistics: (frames, callOptions) => measureStatisticsWith({ platform, pool }, frames, { ...defaults, ...callOptions }),
    dispose: () => pool.dispose(),
  };
}

/**
 * The one-shot `stylize()` of a platform, on the platform's shared pool for (modelDir,
 * threads), so repeated calls reuse open sessions.
 */
export function sharedStylize(platform: Platform): (input: ImageInput, options?: OneShotOptions) => Promise<AnimeImage> {
  return (input, options = {}) => {
    const { modelDir, threads, ...callOptions } = options;
    return stylizePipeline({ platform, pool: sharedPool(platform, { modelDir, threads }) }, input, callOptions);
  };
}
