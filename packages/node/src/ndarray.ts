import ndarray, { type NdArray } from "ndarray";
import type { RawImage } from "@anime2d/core";

/**
 * Views an image (e.g. a `stylize()` result) as an ndarray of shape `[height, width, channels]`
 * sharing the same pixel buffer — for scijs code (ndarray-ops, ndarray-resample…).
 */
export function toNdarray(image: RawImage): NdArray<Uint8ClampedArray | Uint8Array> {
  return ndarray(image.data, [image.height, image.width, image.channels]);
}
