import { throwIfAborted } from "../errors.js";
import { env } from "../env.js";
import { splitAlpha, type RgbImage } from "../image.js";
import { loadImage, type ImageInput } from "../input.js";
import type { PipelineContext, StylizeOptions } from "../pipeline.js";
import { DEFAULT_STYLE, getModel } from "../registry.js";
import { measureShotStatistics, type FrozenStats } from "./statistics.js";

/** `Stylizer.measureStatistics`: loads the frames and measures the style's statistics on them together. */
export async function measureStatisticsWith(ctx: PipelineContext, frames: ImageInput[], options: StylizeOptions = {}): Promise<FrozenStats | undefined> {
  const { signal } = options;
  const spec = getModel(options.style ?? DEFAULT_STYLE, "style");
  const images: RgbImage[] = [];
  for (const frame of frames) {
    const { rgb, width, height } = splitAlpha(await loadImage(ctx.platform, frame, { maxPixels: options.maxInputPixels ?? env.maxInputPixels, signal }));
    images.push({ data: rgb, width, height });
  }
  const model = await ctx.pool.get(spec, signal);
  throwIfAborted(signal);
  return measureShotStatistics(model, images);
}
