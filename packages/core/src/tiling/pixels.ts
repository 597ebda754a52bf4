import type { RgbImage } from "../image.js";
import { reflectIndex } from "../tensor.js";

/**
 * Copies a `width × height` window starting at (`left`, `top`); parts beyond the right or
 * bottom edge are mirrored exactly as a whole-image run pads them, so edge tiles see the
 * same pixels the whole-image pass would.
 */
export function cropReflect(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const out = new Uint8ClampedArray(width * height * 3);
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const row = reflectIndex(top + y, image.height) * image.width;
    const o = y * width * 3;
    if (left + width <= image.width) {
      out.set(src.subarray((row + left) * 3, (row + left + width) * 3), o);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const s = (row + reflectIndex(left + x, image.width)) * 3;
      out[o + x * 3] = src[s];
      out[o + x * 3 + 1] = src[s + 1];
      out[o + x * 3 + 2] = src[s + 2];
    }
  }
  return { data: out, width, height };
}

/** Shrinks by an integer factor, each output pixel the mean of its `factor × factor` block. */
export function downscaleArea(image: RgbImage, factor: number): RgbImage {
  if (factor === 1) return image;
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  const sums = new Float64Array(width * 3);
  const counts = new Float64Array(width);
  const out = new Uint8ClampedArray(width * height * 3);
  for (let oy = 0; oy < height; oy++) {
    sums.fill(0);
    counts.fill(0);
    const y1 = Math.min(image.height, (oy + 1) * factor);
    for (let y = oy * factor; y < y1; y++) {
      const row = y * image.width * 3;
      for (let x = 0; x < image.width; x++) {
        const ox = (x / factor) | 0;
        const s = row + x * 3;
        sums[ox * 3] += image.data[s];
        sums[ox * 3 + 1] += image.data[s + 1];
        sums[ox * 3 + 2] += image.data[s + 2];
        counts[ox]++;
      }
    }
    for (let ox = 0; ox < width; ox++) {
      const o = (oy * width + ox) * 3;
      out[o] = sums[ox * 3] / counts[ox];
      out[o + 1] = sums[ox * 3 + 1] / counts[ox];
      out[o + 2] = sums[ox * 3 + 2] / counts[ox];
    }
  }
  return { data: out, width, height };
}

/**
 * Bilinearly samples `source` (a `factor`× smaller version of a larger image) over the larger
 * image's window at (`left`, `top`), `width × height`, as float RGB. Positions are matched by
 * pixel centres and clamped at the edges.
 */
export function sampleBilinear(source: RgbImage, factor: number, left: number, top: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 3);
  const { data, width: sw, height: sh } = source;
  const x0s = new Int32Array(width), x1s = new Int32Array(width), fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (left + x + 0.5) / factor - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(sw - 1, x0s[x] + 1);
    fxs[x] = sx - x0s[x];
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (top + y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const a = (y0 * sw + x0s[x]) * 3, b = (y0 * sw + x1s[x]) * 3;
      const c = (y1 * sw + x0s[x]) * 3, d = (y1 * sw + x1s[x]) * 3;
      const fx = fxs[x];
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top_ = data[a + k] + (data[b + k] - data[a + k]) * fx;
        const bottom = data[c + k] + (data[d + k] - data[c + k]) * fx;
        out[o + k] = top_ + (bottom - top_) * fy;
      }
    }
  }
  return out;
}

/**
 * Blurs float RGB in place with a `(2·radius + 1)²` box, the window cut at the edges and
 * averaged over what remains (so edges are not darkened).
 */
export function boxBlur(data: Float32Array, width: number, height: number, radius: number): void {
  const line = new Float32Array(Math.max(width, height) * 3);
  for (let y = 0; y < height; y++) blurLine(data, y * width * 3, 3, width, radius, line);
  for (let x = 0; x < width; x++) blurLine(data, x * 3, width * 3, height, radius, line);
}

function blurLine(data: Float32Array, offset: number, stride: number, n: number, radius: number, line: Float32Array): void {
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) line[i * 3 + k] = data[offset + i * stride + k];
  for (let k = 0; k < 3; k++) {
    let sum = 0;
    let lo = 0;
    let hi = -1;
    for (let i = 0; i < n; i++) {
      const want = Math.min(n - 1, i + radius);
      while (hi < want) sum += line[++hi * 3 + k];
      while (lo < i - radius) sum -= line[lo++ * 3 + k];
      data[offset + i * stride + k] = sum / (hi - lo + 1);
    }
  }
}
