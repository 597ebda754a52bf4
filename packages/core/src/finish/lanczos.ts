/**
 * A correctly centred Lanczos-3 resize, written in plain TypeScript so it runs everywhere
 * (it is the browser's fallback upscaler and the alpha plane's upscaler).
 *
 * "Correctly centred" means pixel centres line up: output pixel `i` samples the input at
 * `(i + 0.5) · in / out − 0.5`. sharp/libvips enlargement is shifted by about half an
 * output pixel (MODELS.md), which costs ~3 dB on a 2× round trip and misaligns overlays.
 */

const LOBES = 3;

/** The Lanczos-3 kernel: `sinc(x) · sinc(x / 3)` for |x| < 3, else 0. */
export function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -LOBES || x >= LOBES) return 0;
  const px = Math.PI * x;
  return (LOBES * Math.sin(px) * Math.sin(px / LOBES)) / (px * px);
}

/** Taps of a 1-D resize: for output `i`, `taps` input indices and their normalised weights. */
interface Taps {
  taps: number;
  index: Int32Array;
  weight: Float32Array;
}

/**
 * Precomputes the 1-D filter for `inSize → outSize`. When shrinking, the kernel is
 * stretched by the scale so it also low-passes (no aliasing). Edges clamp to the border
 * pixel, and each output's weights are renormalised to sum to 1.
 */
function resampleTaps(inSize: number, outSize: number): Taps {
  const ratio = inSize / outSize;
  const stretch = Math.max(1, ratio);
  const reach = LOBES * stretch;
  const taps = Math.ceil(reach) * 2 + 1;
  const index = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * ratio - 0.5;
    const first = Math.floor(centre - reach) + 1;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const j = first + t;
      const w = lanczos3((j - centre) / stretch);
      index[i * taps + t] = Math.min(inSize - 1, Math.max(0, j));
      weight[i * taps + t] = w;
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[i * taps + t] /= sum;
  }
  return { taps, index, weight };
}

/**
 * Resizes interleaved 8-bit pixels (`channels` values per pixel) with a separable
 * Lanczos-3 filter: a horizontal pass into floats, then a vertical pass rounded to 8 bits.
 */
export function lanczosResize(
  data: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8ClampedArray {
  const h = resampleTaps(width, outWidth);
  const v = resampleTaps(height, outHeight);
  const rowLength = outWidth * channels;
  const mid = new Float32Array(height * rowLength);
  for (let y = 0; y < height; y++) {
    const src = y * width * channels;
    const dst = y * rowLength;
    for (let x = 0; x < outWidth; x++) {
      const base = x * h.taps;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = 0; t < h.taps; t++) acc += h.weight[base + t] * data[src + h.index[base + t] * channels + c];
        mid[dst + x * channels + c] = acc;
      }
    }
  }
  // Uint8ClampedArray rounds and clamps on store: Lanczos overshoots at edges by design.
  const out = new Uint8ClampedArray(outHeight * rowLength);
  for (let y = 0; y < outHeight; y++) {
    const base = y * v.taps;
    const dst = y * rowLength;
    for (let k = 0; k < rowLength; k++) {
      let acc = 0;
      for (let t = 0; t < v.taps; t++) acc += v.weight[base + t] * mid[v.index[base + t] * rowLength + k];
      out[dst + k] = acc;
    }
  }
  return out;
}
