import type { RgbImage } from "../image.js";

/**
 * Resizes an RGB image to `width × height` with a separable triangle (bilinear) filter whose
 * support widens with the reduction factor, so strong downscaling averages areas instead of
 * aliasing (a 4000 px photo brought to the detector's 840 px keeps thin features). Returns
 * interleaved float RGB, 0..255: the detector's preprocessing continues from floats.
 */
export function resizeToFloat(image: RgbImage, width: number, height: number): Float32Array {
  const horizontal = filterTaps(image.width, width);
  const vertical = filterTaps(image.height, height);
  // Horizontal pass first: rows of the source, resampled columns.
  const mid = new Float32Array(image.height * width * 3);
  const src = image.data;
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width * 3;
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = horizontal.start[x]; k < horizontal.start[x + 1]; k++) {
        const s = row + horizontal.index[k] * 3;
        const w = horizontal.weight[k];
        r += src[s] * w; g += src[s + 1] * w; b += src[s + 2] * w;
      }
      const o = (y * width + x) * 3;
      mid[o] = r; mid[o + 1] = g; mid[o + 2] = b;
    }
  }
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const o = y * width * 3;
    for (let k = vertical.start[y]; k < vertical.start[y + 1]; k++) {
      const s = vertical.index[k] * width * 3;
      const w = vertical.weight[k];
      for (let i = 0; i < width * 3; i++) out[o + i] += mid[s + i] * w;
    }
  }
  return out;
}

/** Normalised filter taps per output sample, in CSR form (`start` has `to + 1` entries). */
interface Taps {
  start: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

function filterTaps(from: number, to: number): Taps {
  const scale = to / from;
  // Support of the triangle in source pixels: 1 when enlarging, 1/scale when reducing.
  const support = Math.max(1, 1 / scale);
  const start = new Int32Array(to + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < to; i++) {
    const centre = (i + 0.5) / scale - 0.5;
    const lo = Math.ceil(centre - support), hi = Math.floor(centre + support);
    let total = 0;
    const first = index.length;
    for (let j = lo; j <= hi; j++) {
      const w = 1 - Math.abs(j - centre) / support;
      if (w <= 0) continue;
      index.push(j < 0 ? 0 : j >= from ? from - 1 : j);
      weight.push(w);
      total += w;
    }
    for (let k = first; k < weight.length; k++) weight[k] /= total;
    start[i + 1] = index.length;
  }
  return { start, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}
