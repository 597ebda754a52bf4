import { fileURLToPath } from "node:url";
import { join } from "node:path";
import sharp from "sharp";
import type { RawImage } from "@anime2d/core";

/** Folder with the real models (test/setup.ts sets the variable). */
export const MODEL_DIR = process.env.ANIME2D_MODEL_DIR!;

/** Path of a shared test photo. */
export const photo = (name: string) => join(fileURLToPath(new URL("../../../shared/photos", import.meta.url)), name);

/** Decodes a photo to 8-bit RGB with sharp. */
export async function readRgb(name: string): Promise<RawImage> {
  const { data, info } = await sharp(photo(name)).autoOrient().toColourspace("srgb").removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
}

/**
 * The round trip's downscale, as MODELS.md measured it: each output value is the mean of a
 * 2×2 block, rounded half up (`Math.round`). Works for any channel count.
 */
export function areaAverage2x(image: RawImage): RawImage {
  const { data, width, height, channels } = image;
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h * channels);
  const at = (x: number, y: number, c: number) => data[(y * width + x) * channels + c];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < channels; c++) {
        const sum = at(2 * x, 2 * y, c) + at(2 * x + 1, 2 * y, c) + at(2 * x, 2 * y + 1, c) + at(2 * x + 1, 2 * y + 1, c);
        out[(y * w + x) * channels + c] = Math.round(sum / 4);
      }
  return { data: out, width: w, height: h, channels };
}

/** PSNR in dB over every channel value of two same-sized 8-bit images. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

/** A `width × height` window of an image starting at (`left`, `top`). */
export function crop(image: RawImage, left: number, top: number, width: number, height: number): RawImage {
  const { channels } = image;
  const out = new Uint8ClampedArray(width * height * channels);
  for (let y = 0; y < height; y++) {
    const start = ((top + y) * image.width + left) * channels;
    out.set(image.data.subarray(start, start + width * channels), y * width * channels);
  }
  return { data: out, width, height, channels };
}

/** Mean absolute difference per channel value. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}
