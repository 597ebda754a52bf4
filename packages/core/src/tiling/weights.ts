import type { AxisPlan } from "./plan.js";

/**
 * Blending weights along one axis, one array of `plan.tile` values per tile. Each tile fades
 * in and out with a raised cosine across its overlap with each neighbour, and the weights are
 * then normalised so that at every position the tiles covering it sum to exactly 1: no step,
 * no brightness change, whatever the overlaps. The 2-D weight of a tile is the product of its
 * x and y weights, which therefore also sums to 1.
 */
export function axisWeights(plan: AxisPlan): Float32Array[] {
  const { tile, starts, paddedLength } = plan;
  const windows = starts.map((start, i) => {
    const w = new Float64Array(tile).fill(1);
    const before = i > 0 ? starts[i - 1] + tile - start : 0;
    const after = i < starts.length - 1 ? start + tile - starts[i + 1] : 0;
    // Sample the cosine at pixel centres so the weight is never exactly 0 inside a tile.
    for (let k = 0; k < before; k++) w[k] *= raisedCosine((k + 0.5) / before);
    for (let k = 0; k < after; k++) w[tile - 1 - k] *= raisedCosine((k + 0.5) / after);
    return w;
  });
  const total = new Float64Array(paddedLength);
  starts.forEach((start, i) => windows[i].forEach((v, k) => (total[start + k] += v)));
  return starts.map((start, i) => Float32Array.from(windows[i], (v, k) => v / total[start + k]));
}

/** 0 → 0, 1 → 1, with zero slope at both ends. */
function raisedCosine(t: number): number {
  return 0.5 - 0.5 * Math.cos(Math.PI * t);
}
