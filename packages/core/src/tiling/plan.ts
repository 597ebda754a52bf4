import { Anime2dError } from "../errors.js";
import { paddedSize } from "../tensor.js";

/** Tile positions along one axis. */
export interface AxisPlan {
  /** Image length along the axis. */
  length: number;
  /** Length the tiles cover: `length` padded (by reflection) to the model's multiple. */
  paddedLength: number;
  /** Every tile's extent along the axis; the same for all tiles. */
  tile: number;
  /** Start of each tile, ascending; the first is 0 and the last ends at `paddedLength`. */
  starts: number[];
}

/** A tile grid: every tile is `x.tile × y.tile`, at each pair of `x.starts` and `y.starts`. */
export interface TilePlan {
  x: AxisPlan;
  y: AxisPlan;
  /** Number of tiles. */
  count: number;
}

/** What a tile plan is built from. */
export interface PlanRequest {
  width: number;
  height: number;
  /** Wanted tile side (rounded up to `multiple`). */
  size: number;
  /** Least overlap between neighbours. */
  overlap: number;
  /** The model's size multiple: tile sides and starts are multiples of it. */
  multiple?: number;
  /** The model's smallest accepted side. */
  minSize?: number;
}

/**
 * Plans a grid of equal tiles covering the image. Tiles never shrink at the edges (every run
 * has one tensor shape, so ONNX Runtime reuses its memory plan); instead the tiles spread
 * evenly, with starts on the model's multiple so the strided convolutions see the same pixel
 * phase as in a whole-image run. Where the image is smaller than a tile along an axis, that
 * axis has one tile of the padded image's length.
 */
export function planTiles(request: PlanRequest): TilePlan {
  const { width, height, size, overlap } = request;
  const multiple = request.multiple ?? 1;
  const minSize = request.minSize ?? 1;
  for (const [name, v] of [["width", width], ["height", height], ["tile size", size], ["multiple", multiple], ["minSize", minSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Anime2dError("INVALID_OPTION", `Tile plan: ${name} must be a positive integer, got ${v}.`);
  }
  if (!Number.isInteger(overlap) || overlap < 0) throw new Anime2dError("INVALID_OPTION", `Tile overlap must be a non-negative integer, got ${overlap}.`);
  const tile = paddedSize(size, multiple, minSize);
  if (overlap >= tile) {
    throw new Anime2dError("INVALID_OPTION", `Tile overlap (${overlap}) must be smaller than the tile size (${tile}).`);
  }
  const x = planAxis(width, tile, overlap, multiple, minSize);
  const y = planAxis(height, tile, overlap, multiple, minSize);
  return { x, y, count: x.starts.length * y.starts.length };
}

function planAxis(length: number, wantedTile: number, overlap: number, multiple: number, minSize: number): AxisPlan {
  const paddedLength = paddedSize(length, multiple, minSize);
  if (paddedLength <= wantedTile) return { length, paddedLength, tile: paddedLength, starts: [0] };
  const tile = wantedTile;
  // Work in units of the multiple: the span to distribute and the longest step that still
  // leaves `overlap` between neighbours.
  const span = (paddedLength - tile) / multiple;
  const maxStep = Math.floor((tile - overlap) / multiple);
  if (maxStep < 1) {
    throw new Anime2dError("INVALID_OPTION", `Tile size ${tile} with overlap ${overlap} leaves no room to advance by the model's multiple (${multiple}).`);
  }
  const steps = Math.ceil(span / maxStep);
  // Rounding i·span/steps gives steps of floor or ceil(span/steps) ≤ maxStep.
  const starts = Array.from({ length: steps + 1 }, (_, i) => Math.round((i * span) / steps) * multiple);
  return { length, paddedLength, tile, starts };
}

/** The same plan measured in output pixels of a model that scales by `scale`. */
export function scalePlan(plan: TilePlan, scale: number): TilePlan {
  if (scale === 1) return plan;
  const axis = (a: AxisPlan): AxisPlan => ({
    length: a.length * scale,
    paddedLength: a.paddedLength * scale,
    tile: a.tile * scale,
    starts: a.starts.map((s) => s * scale),
  });
  return { x: axis(plan.x), y: axis(plan.y), count: plan.count };
}
