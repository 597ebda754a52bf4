import type { RgbImage } from "./image.js";

/** How a model wants its pixels: memory layout, channel order and value range. */
export interface TensorFormat {
  layout: "NHWC" | "NCHW";
  channelOrder: "RGB" | "BGR";
  /** Values that 0 and 255 map to, e.g. `[-1, 1]` or `[0, 1]`. */
  range: [number, number];
}

/** Smallest multiple of `multiple` that is ≥ `size` (and ≥ `minSize`). */
export function paddedSize(size: number, multiple: number, minSize = 1): number {
  const target = Math.max(size, minSize);
  return Math.ceil(target / multiple) * multiple;
}

/**
 * Mirror index for reflection padding without repeating the edge pixel
 * (numpy's `reflect`): …2 1 | 0 1 2 … n-1 | n-2 n-3…. Periodic, so any overshoot is valid.
 */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/**
 * Converts an RGB image to a model input tensor of `paddedWidth × paddedHeight`, filling the
 * right and bottom margins by reflection (never squashing the aspect ratio).
 * Written as direct typed-array loops: this is the hot path.
 */
export function imageToTensor(image: RgbImage, format: TensorFormat, paddedWidth: number, paddedHeight: number): Float32Array {
  const { data, width, height } = image;
  const [lo, hi] = format.range;
  const scale = (hi - lo) / 255;
  const bgr = format.channelOrder === "BGR";
  const plane = paddedWidth * paddedHeight;
  const out = new Float32Array(plane * 3);
  const nchw = format.layout === "NCHW";
  const xs = new Int32Array(paddedWidth);
  for (let x = 0; x < paddedWidth; x++) xs[x] = reflectIndex(x, width) * 3;
  for (let y = 0; y < paddedHeight; y++) {
    const row = reflectIndex(y, height) * width * 3;
    for (let x = 0; x < paddedWidth; x++) {
      const s = row + xs[x];
      const r = data[s] * scale + lo;
      const g = data[s + 1] * scale + lo;
      const b = data[s + 2] * scale + lo;
      const p = y * paddedWidth + x;
      if (nchw) {
        out[p] = bgr ? b : r;
        out[plane + p] = g;
        out[2 * plane + p] = bgr ? r : b;
      } else {
        const o = p * 3;
        out[o] = bgr ? b : r;
        out[o + 1] = g;
        out[o + 2] = bgr ? r : b;
      }
    }
  }
  return out;
}

/**
 * Converts a model output tensor (`tensorWidth × tensorHeight`, 3 channels) back to 8-bit RGB,
 * keeping the top-left `width × height` (the crop that undoes {@link imageToTensor}'s padding).
 * Values are clamped: some generators (White-box) are not bounded by tanh.
 */
export function tensorToImage(
  tensor: Float32Array,
  format: TensorFormat,
  tensorWidth: number,
  tensorHeight: number,
  width: number,
  height: number,
): RgbImage {
  const [lo, hi] = format.range;
  const scale = 255 / (hi - lo);
  const bgr = format.channelOrder === "BGR";
  const plane = tensorWidth * tensorHeight;
  const nchw = format.layout === "NCHW";
  const out = new Uint8ClampedArray(width * height * 3);
  // Uint8ClampedArray rounds half to even and clamps on store, so no Math.round/min/max needed.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * tensorWidth + x;
      let r: number, g: number, b: number;
      if (nchw) {
        r = tensor[p];
        g = tensor[plane + p];
        b = tensor[2 * plane + p];
      } else {
        r = tensor[p * 3];
        g = tensor[p * 3 + 1];
        b = tensor[p * 3 + 2];
      }
      if (bgr) [r, b] = [b, r];
      const o = (y * width + x) * 3;
      out[o] = (r - lo) * scale;
      out[o + 1] = (g - lo) * scale;
      out[o + 2] = (b - lo) * scale;
    }
  }
  return { data: out, width, height };
}
