import { throwIfAborted } from "../errors.js";
import { joinAlpha, splitAlpha } from "../image.js";
import { inputLimits, loadImage, type ImageInput, type InputLimitOptions } from "../input.js";
import { sharedPool, type ModelPool, type ModelPoolOptions } from "../model-pool.js";
import { AnimeImage } from "../output.js";
import type { Platform } from "../platform.js";
import { reporter, type ProgressCallback } from "../progress.js";
import { lanczos2x, resolveUpscaler, upscaleRgb, type UpscalerId } from "./upscale.js";

/** Options of the standalone `upscale()`. */
export interface UpscaleOptions extends Pick<ModelPoolOptions, "modelDir" | "threads">, InputLimitOptions {
  /** Which 2× upscaler; default `"waifu2x"`. */
  upscaler?: UpscalerId;
  /** Cancels the work between stages; the promise rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Receives `decode`, `load-model`, `upscale` and `done` events. */
  onProgress?: ProgressCallback;
}

/**
 * Upscales any accepted image 2× (exactly 2W × 2H, alpha kept) with a super-resolution model
 * or the core Lanczos, using the given pool's sessions.
 */
export async function upscalePipeline(
  ctx: { platform: Platform; pool: ModelPool },
  input: ImageInput,
  options: UpscaleOptions = {},
): Promise<AnimeImage> {
  const { signal } = options;
  const progress = reporter(options.onProgress);
  const spec = resolveUpscaler(options.upscaler);
  throwIfAborted(signal);
  progress({ stage: "decode" });
  const image = await loadImage(ctx.platform, input, inputLimits({ ...options, signal }));
  const { rgb, alpha, width, height } = splitAlpha(image);
  const out = await upscaleRgb({ pool: ctx.pool, signal, progress }, { data: rgb, width, height }, spec);
  const outAlpha = alpha && lanczos2x(alpha, width, height, 1);
  progress({ stage: "done" });
  return new AnimeImage(joinAlpha(out.data, outAlpha, out.width, out.height), ctx.platform);
}

/**
 * The one-shot `upscale()` of a platform, on the platform's shared pool for (modelDir,
 * threads), so repeated calls reuse open sessions.
 */
export function sharedUpscale(platform: Platform): (input: ImageInput, options?: UpscaleOptions) => Promise<AnimeImage> {
  return (input, options = {}) => upscalePipeline({ platform, pool: sharedPool(platform, options) }, input, options);
}
