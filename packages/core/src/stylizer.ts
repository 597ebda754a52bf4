import { ModelPool, sharedPool, type ModelPoolOptions } from "./model-pool.js";
import type { ImageInput } from "./input.js";
import type { AnimeImage } from "./output.js";
import { stylizePipeline, type StylizeOptions } from "./pipeline.js";
import type { Platform } from "./platform.js";
import type { DetectFacesOptions, Face } from "./face/detect.js";
import type { UpscaleOptions } from "./finish/upscale-api.js";
import type { WarmupOptions } from "./warmup.js";
import { stylizeMany, type BatchOptions, type BatchResult } from "./batch.js";
import { runOperation } from "./worker/host.js";

/** Options of {@link Stylizer}s: where models come from, threads, and defaults for each call. */
export interface StylizerOptions extends ModelPoolOptions, StylizeOptions {}

/** Options of the one-shot `stylize()`: a call's options plus model location and threads. */
export type OneShotOptions = StylizeOptions & Pick<ModelPoolOptions, "modelDir" | "threads">;

/** A stylizer holding open model sessions; call `dispose()` to free them. */
export interface Stylizer<Image extends AnimeImage = AnimeImage> {
  /** Stylizes one image with this stylizer's sessions; per-call options override its defaults. */
  stylize(input: ImageInput, options?: StylizeOptions): Promise<Image>;
  /** Finds faces (RetinaFace), largest first, in input pixels. */
  detectFaces(input: ImageInput, options?: DetectFacesOptions): Promise<Face[]>;
  /** Upscales one image 2× without stylizing it. */
  upscale(input: ImageInput, options?: UpscaleOptions): Promise<Image>;
  /**
   * Stylizes many inputs, `concurrency` at a time; yields one `{ index, input, result }` or
   * `{ index, input, error }` per input (in input order unless `ordered: false`). One bad
   * input never stops the batch.
   */
  stylizeMany(inputs: Iterable<ImageInput> | AsyncIterable<ImageInput>, options?: BatchOptions): AsyncIterable<BatchResult<Image>>;
  /** Opens the given styles' models and runs them once per size, so the first request is not slow. */
  warmup(options?: WarmupOptions): Promise<void>;
  /** Releases the ONNX Runtime sessions (and ends the workers, for worker stylizers). */
  dispose(): Promise<void>;
}

/** Creates a stylizer bound to a platform, running on this thread. */
export function createStylizerFor(platform: Platform, options: StylizerOptions = {}): Stylizer {
  const { modelDir, models, threads, sessionOptions, ...defaults } = options;
  const ctx = { platform, pool: new ModelPool(platform, { modelDir, models, threads, sessionOptions }) };
  const stylizer: Stylizer = {
    stylize: (input, callOptions) => stylizePipeline(ctx, input, { ...defaults, ...callOptions }),
    detectFaces: (input, callOptions) => runOperation(ctx, "detectFaces", input, callOptions) as Promise<Face[]>,
    upscale: (input, callOptions) => runOperation(ctx, "upscale", input, callOptions) as Promise<AnimeImage>,
    stylizeMany: (inputs, batchOptions) => stylizeMany(stylizer, inputs, batchOptions),
    warmup: async (warmupOptions) => void (await runOperation(ctx, "warmup", undefined as never, warmupOptions)),
    dispose: () => ctx.pool.dispose(),
  };
  return stylizer;
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
