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
