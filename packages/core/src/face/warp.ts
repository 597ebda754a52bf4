import type { RgbImage } from "../image.js";
import { invertSimilarity, similarityScale, type Similarity } from "./similarity.js";

/**
 * Warps `image` into a `width × height` canvas by the similarity `toCanvas` (image
 * coordinates → canvas coordinates), sampling bilinearly. Samples outside the image repeat
 * its edge pixels, so an aligned face crop never shows a black border.
 */
export function warpSimilarity(image: RgbImage, toCanvas: Similarity, width: number, height: number): RgbImage {
  const back = invertSimilarity(toCanvas);
  // When the warp shrinks, average k×k bilinear samples per pixel so the crop does not alias.
  const k = Math.min(4, Math.max(1, Math.ceil(1 / similarityScale(toCanvas) - 0.01)));
  const out = new Uint8ClampedArray(width * height * 3);
  const sample = new Float64Array(3);
  const sum = new Float64Array(3);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      sum.fill(0);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) {
          // Sub-sample centres, evenly spread over the pixel [u, u + 1) × [v, v + 1).
          const cu = u + (i + 0.5) / k, cv = v + (j + 0.5) / k;
          sampleBilinear(image, back.a * cu - back.b * cv + back.tx, back.b * cu + back.a * cv + back.ty, sample);
          sum[0] += sample[0]; sum[1] += sample[1]; sum[2] += sample[2];
        }
      }
      const o = (v * width + u) * 3;
      const n = k * k;
      out[o] = sum[0] / n;
      out[o + 1] = sum[1] / n;
      out[o + 2] = sum[2] / n;
    }
  }
  return { data: out, width, height };
}

/**
 * Bilinear sample at continuous coordinates `(x, y)` (pixel centres at `i + 0.5`), edges
 * clamped; writes the three channels into `out`.
 */
export function sampleBilinear(image: RgbImage, x: number, y: number, out: Float64Array): void {
  const { data, width, height } = image;
  const px = x - 0.5, py = y - 0.5;
  let x0 = Math.floor(px), y0 = Math.floor(py);
  const fx = px - x0, fy = py - y0;
  let x1 = x0 + 1, y1 = y0 + 1;
  x0 = x0 < 0 ? 0 : x0 >= width ? width - 1 : x0;
  x1 = x1 < 0 ? 0 : x1 >= width ? width - 1 : x1;
  y0 = y0 < 0 ? 0 : y0 >= height ? height - 1 : y0;
  y1 = y1 < 0 ? 0 : y1 >= height ? height - 1 : y1;
  const r0 = y0 * width, r1 = y1 * width;
  const i00 = (r0 + x0) * 3, i01 = (r0 + x1) * 3, i10 = (r1 + x0) * 3, i11 = (r1 + x1) * 3;
  const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
  for (let c = 0; c < 3; c++) {
    out[c] = data[i00 + c] * w00 + data[i01 + c] * w01 + data[i10 + c] * w10 + data[i11 + c] * w11;
  }
}
