import { Anime2dError } from "../errors.js";
import type { RgbImage } from "../image.js";
import type { LoadedModel, TensorMap } from "../model-pool.js";
import { frozenStatistics, DEFAULT_STATS_PIXELS, MOSAIC_PATCH } from "../tiling/frozen-stats.js";
import { mosaicStep, sampleMosaic } from "../tiling/mosaic.js";
import { cropReflect } from "../tiling/pixels.js";
import { paddedSize } from "../tensor.js";

/**
 * A style generator's normalisation statistics, measured once and frozen (see
 * `tiling/frozen-stats.ts`): every spatial mean of the network by name. Plain data, so it
 * crosses to a worker by structured clone.
 */
export interface FrozenStats {
  /** Id of the style model the statistics belong to. */
  model: string;
  tensors: TensorMap;
}

/**
 * Measures one set of statistics for several frames of a shot: each frame gets an equal
 * share of the 512² budget, as a whole when it fits, else as a mosaic of full-resolution
 * patches; the parts are stacked into one image and run once through the statistics graph. Returns `undefined` for models
 * without global statistics (e.g. White-box), whose frames are already steady.
 */
export async function measureShotStatistics(model: LoadedModel, frames: readonly RgbImage[]): Promise<FrozenStats | undefined> {
  if (frames.length === 0) throw new Anime2dError("INVALID_INPUT", "measureStatistics needs at least one frame.");
  const frozen = await frozenStatistics(model);
  if (!frozen) return undefined;
  const width = Math.min(...frames.map((f) => f.width));
  const share = DEFAULT_STATS_PIXELS / frames.length;
  const parts = frames.map((frame) => {
    const mosaic = sampleMosaic(frame, MOSAIC_PATCH, mosaicStep(frame.width, frame.height, share));
    // Equal widths so the parts stack; the model's multiple keeps each part's rows aligned.
    return cropReflect(mosaic, 0, 0, width, paddedSize(mosaic.height, model.spec.multipleOf));
  });
  return { model: model.spec.id, tensors: await frozen.measure(stack(parts)) };
}

/**
 * Runs a style generator on a whole image with frozen statistics: the image is padded by
 * reflection to the model's multiple (as a plain run pads it), run, and cropped back.
 */
export async function runWithStatistics(model: LoadedModel, image: RgbImage, stats: FrozenStats): Promise<RgbImage | undefined> {
  checkStats(model, stats);
  const frozen = await frozenStatistics(model);
  if (!frozen) return undefined;
  const { multipleOf, minSize } = model.spec;
  const pw = paddedSize(image.width, multipleOf, minSize);
  const ph = paddedSize(image.height, multipleOf, minSize);
  const out = await frozen.runTile(pw === image.width && ph === image.height ? image : cropReflect(image, 0, 0, pw, ph), stats.tensors);
  return out.width === image.width && out.height === image.height ? out : cropReflect(out, 0, 0, image.width, image.height);
}

/** Throws `INVALID_OPTION` when statistics were measured for another model. */
export function checkStats(model: LoadedModel, stats: FrozenStats): void {
  if (typeof stats !== "object" || stats === null || typeof stats.tensors !== "object" || stats.tensors === null) {
    throw new Anime2dError("INVALID_OPTION", "statistics must be the value returned by measureStatistics().");
  }
  if (stats.model !== model.spec.id) {
    throw new Anime2dError("INVALID_OPTION", `statistics were measured for model "${stats.model}", not "${model.spec.id}".`);
  }
}

function stack(parts: RgbImage[]): RgbImage {
  if (parts.length === 1) return parts[0];
  const width = parts[0].width;
  const height = parts.reduce((h, p) => h + p.height, 0);
  const data = new Uint8ClampedArray(width * height * 3);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { data, width, height };
}
