import { throwIfAborted } from "../errors.js";
import type { RgbImage } from "../image.js";
import type { LoadedModel, TensorMap } from "../model-pool.js";
import { runImageModel } from "../generate.js";
import { frozenStatistics, measureStatistics } from "./frozen-stats.js";
import { cropReflect } from "./pixels.js";
import { planTiles, scalePlan, type TilePlan } from "./plan.js";
import { axisWeights } from "./weights.js";

/** Options of {@link runTiled}. */
export interface TiledRunOptions {
  /** Tile side in input pixels (rounded up to the model's multiple). */
  size: number;
  /** Least overlap between neighbouring tiles, in input pixels. */
  overlap: number;
  /**
   * Normalise every tile with the whole image's feature statistics (measured once on a
   * mosaic of the image) instead of the tile's own, so tiles share one tone. Needed by
   * generators with instance/layer norms. Models without global statistics (waifu2x UpConv7,
   * Real-ESRGAN, White-box) are unaffected; for the 2× upscalers plain tiles already measure
   * ≥ 38.7 dB against a whole run, so leave it off for them.
   */
  harmonise?: boolean;
  /** Pixel budget of the statistics mosaic (default 512², at most a quarter of the image). */
  statsPixels?: number;
  /** Side of the statistics mosaic's patches in input pixels (default 128). */
  mosaicPatch?: number;
  /** Statistics to harmonise with instead of measuring the image's (a video shot's). */
  statistics?: TensorMap;
  /** Checked before every tile; an abort rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Called after each tile with the number done and the total. */
  onTile?: (done: number, total: number) => void;
}

/**
 * Runs an image-to-image model tile by tile and blends the tiles into one seamless image the
 * size of `image` × `model.spec.scale`. Works for style generators (scale 1, harmonised) and
 * 2× upscalers (scale 2, plain overlapped tiles).
 *
 * Memory stays flat: besides the input and the 8-bit output, only one tile's tensors and a
 * float band one tile-row high are alive at a time (plus, when harmonising, one run on a
 * statistics mosaic of at most `statsPixels`). Every buffer is local to the call, so an
 * abort or an error leaves nothing behind.
 */
export async function runTiled(model: LoadedModel, image: RgbImage, options: TiledRunOptions): Promise<RgbImage> {
  const { spec } = model;
  const scale = spec.scale ?? 1;
  const plan = planTiles({
    width: image.width,
    height: image.height,
    size: options.size,
    overlap: options.overlap,
    multiple: spec.multipleOf,
    minSize: spec.minSize,
  });
  throwIfAborted(options.signal);
  // One tile is the padded image itself: the whole-image run is the same work, and exact.
  if (plan.count === 1 && !options.statistics) {
    const whole = await runImageModel(model, image);
    options.onTile?.(1, 1);
    return whole;
  }
  return blendTiles(plan, scale, image, await tileRunner(model, image, options), options);
}

async function tileRunner(model: LoadedModel, image: RgbImage, options: TiledRunOptions): Promise<TileRunner> {
  const frozen = options.harmonise || options.statistics ? await frozenStatistics(model) : undefined;
  if (!frozen) return (tile) => runImageModel(model, tile);
  const stats = options.statistics ?? (await measureStatistics(frozen, image, options.statsPixels, options.mosaicPatch));
  throwIfAborted(options.signal);
  return (tile) => frozen.runTile(tile, stats);
}

/** Runs the model on one tile (already a multiple of the model's size multiple). */
export type TileRunner = (tile: RgbImage) => Promise<RgbImage>;

/** Runs every tile of the plan through `run` and blends them (see {@link runTiled}). */
export async function blendTiles(
  plan: TilePlan,
  scale: number,
  image: RgbImage,
  run: TileRunner,
  options: Pick<TiledRunOptions, "signal" | "onTile">,
): Promise<RgbImage> {
  const out = scalePlan(plan, scale);
  const weightsX = axisWeights(out.x);
  const weightsY = axisWeights(out.y);
  const width = out.x.length;
  const height = out.y.length;
  const result = new Uint8ClampedArray(width * height * 3);
  // A float band one tile-row high: rows above the next tile row are final and flushed.
  const band = new Float32Array(width * out.y.tile * 3);
  let done = 0;
  for (let row = 0; row < out.y.starts.length; row++) {
    const top = out.y.starts[row];
    for (let col = 0; col < out.x.starts.length; col++) {
      await nextTask();
      throwIfAborted(options.signal);
      const left = out.x.starts[col];
      const tile = await run(cropReflect(image, left / scale, top / scale, plan.x.tile, plan.y.tile));
      accumulate(band, width, tile.data, tile.width, Math.min(tile.height, height - top), left, weightsX[col], weightsY[row]);
      options.onTile?.(++done, plan.count);
    }
    const next = row + 1 < out.y.starts.length ? out.y.starts[row + 1] : top + out.y.tile;
    flushRows(band, result, width, top, Math.min(next, height) - top);
    band.copyWithin(0, (next - top) * width * 3);
    band.fill(0, (out.y.tile - (next - top)) * width * 3);
  }
  return { data: result, width, height };
}

/**
 * Waits for the event loop's next turn. Inference can hold the thread for a whole tile, and
 * an abort sent as a message (a worker's "abort") or by a timer only sets the signal when
 * its event runs; without this turn the promise chain between tiles never lets it run.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Adds a tile × its weights into the band (whose row 0 is the tile's top row). */
function accumulate(
  band: Float32Array,
  bandWidth: number,
  pixels: ArrayLike<number>,
  tileWidth: number,
  rows: number,
  left: number,
  wx: Float32Array,
  wy: Float32Array,
): void {
  const cols = Math.min(tileWidth, bandWidth - left);
  for (let y = 0; y < rows; y++) {
    const b = (y * bandWidth + left) * 3;
    const p = y * tileWidth * 3;
    const weightY = wy[y];
    for (let x = 0; x < cols; x++) {
      const w = wx[x] * weightY;
      const i = x * 3;
      band[b + i] += pixels[p + i] * w;
      band[b + i + 1] += pixels[p + i + 1] * w;
      band[b + i + 2] += pixels[p + i + 2] * w;
    }
  }
}

function flushRows(band: Float32Array, result: Uint8ClampedArray, width: number, top: number, rows: number): void {
  if (rows <= 0) return;
  // Uint8ClampedArray rounds and clamps on store.
  result.set(band.subarray(0, rows * width * 3), top * width * 3);
}
