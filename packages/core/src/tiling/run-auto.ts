import { Anime2dError, throwIfAborted } from "../errors.js";
import type { RgbImage } from "../image.js";
import type { LoadedModel } from "../model-pool.js";
import { runImageModel } from "../generate.js";
import type { ProgressCallback } from "../progress.js";
import type { TileOptions, TileSpec } from "./options.js";
import { runTiled, type TiledRunOptions } from "./run-tiled.js";
import { checkStats, runWithStatistics, type FrozenStats } from "../video/statistics.js";

/** Images up to this many pixels run whole under `tile: "auto"` (1 MP). */
export const DEFAULT_TILE_PIXELS = 1024 * 1024;
/** Default tile side (see docs/tiling.md for the measurements behind it). */
export const DEFAULT_TILE_SIZE = 256;
/** Default least overlap between tiles. */
export const DEFAULT_TILE_OVERLAP = 32;

/**
 * Decides how a model pass runs from the `tile` options: whole, or tiled with which geometry.
 * Returns `undefined` for a whole-image run. Throws `INVALID_OPTION` for malformed options.
 */
export function resolveTiling(options: TileOptions, width: number, height: number, scale = 1): Omit<TiledRunOptions, "signal" | "onTile"> | undefined {
  const { tile = "auto" } = options;
  const budget = options.tilePixels ?? DEFAULT_TILE_PIXELS;
  if (!(typeof budget === "number" && budget >= 1)) {
    throw new Anime2dError("INVALID_OPTION", `tilePixels must be a positive number, got ${String(budget)}.`);
  }
  if (tile === false) return undefined;
  if (tile === "auto") {
    if (width * height <= budget) return undefined;
    return { size: DEFAULT_TILE_SIZE, overlap: DEFAULT_TILE_OVERLAP, harmonise: scale === 1 };
  }
  if (typeof tile !== "object" || tile === null) {
    throw new Anime2dError("INVALID_OPTION", `tile must be "auto", false or { size, overlap }, got ${JSON.stringify(tile)}.`);
  }
  return checkSpec(tile, scale);
}

function checkSpec(spec: TileSpec, scale: number): Omit<TiledRunOptions, "signal" | "onTile"> {
  const size = spec.size ?? DEFAULT_TILE_SIZE;
  const overlap = spec.overlap ?? Math.min(DEFAULT_TILE_OVERLAP, Math.floor(size / 4));
  if (!Number.isInteger(size) || size < 16) throw new Anime2dError("INVALID_OPTION", `tile.size must be an integer ≥ 16, got ${size}.`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > size / 2) {
    throw new Anime2dError("INVALID_OPTION", `tile.overlap must be an integer from 0 to half the tile size (${size / 2}), got ${overlap}.`);
  }
  if (spec.harmonise !== undefined && typeof spec.harmonise !== "boolean") {
    throw new Anime2dError("INVALID_OPTION", `tile.harmonise must be true or false, got ${String(spec.harmonise)}.`);
  }
  return { size, overlap, harmonise: spec.harmonise ?? scale === 1 };
}

/**
 * Runs a model on an image whole or in tiles, as the options and the image's size decide,
 * reporting `inference` at the start and end and `tile` after each tile.
 */
export async function runModelPass(
  model: LoadedModel,
  image: RgbImage,
  options: TileOptions & { signal?: AbortSignal; onProgress?: ProgressCallback; statistics?: FrozenStats },
): Promise<RgbImage> {
  const { spec } = model;
  const progress = options.onProgress ?? (() => {});
  const tiling = resolveTiling(options, image.width, image.height, spec.scale ?? 1);
  throwIfAborted(options.signal);
  const { statistics } = options;
  if (statistics) checkStats(model, statistics);
  progress({ stage: "inference", model: spec.id, progress: 0 });
  // Given statistics (a video shot's) replace the image's own, whole or tiled.
  const frozenWhole = statistics && !tiling ? await runWithStatistics(model, image, statistics) : undefined;
  const result = frozenWhole
    ? frozenWhole
    : tiling
    ? await runTiled(model, image, {
        ...tiling,
        statistics: statistics?.tensors,
        signal: options.signal,
        onTile: (done, total) => progress({ stage: "tile", model: spec.id, done, total, progress: done / total }),
      })
    : await runImageModel(model, image);
  progress({ stage: "inference", model: spec.id, progress: 1 });
  return result;
}
