/**
 * Full-range BT.601 YCbCr (the JPEG definition). Chosen over Lab for colour preservation
 * because it is linear in the 8-bit sRGB values: swapping chroma keeps the luma exactly,
 * and it costs a few multiply-adds per pixel.
 */

/** Luma weights of BT.601: `Y = 0.299 R + 0.587 G + 0.114 B`. */
export const LUMA_R = 0.299;
/** Green weight of BT.601 luma. */
export const LUMA_G = 0.587;
/** Blue weight of BT.601 luma. */
export const LUMA_B = 0.114;

/** BT.601 luma of one 8-bit RGB pixel, 0..255. */
export function luma(r: number, g: number, b: number): number {
  return LUMA_R * r + LUMA_G * g + LUMA_B * b;
}

/** Blue-difference chroma (centred on 0, not 128). */
export function chromaBlue(r: number, g: number, b: number): number {
  return -0.168736 * r - 0.331264 * g + 0.5 * b;
}

/** Red-difference chroma (centred on 0, not 128). */
export function chromaRed(r: number, g: number, b: number): number {
  return 0.5 * r - 0.418688 * g - 0.081312 * b;
}

/** Per-pixel luma plane of a packed RGB buffer. */
export function lumaPlane(rgb: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = luma(rgb[j], rgb[j + 1], rgb[j + 2]);
  return out;
}

/** Mean BT.601 luma of a packed RGB buffer. */
export function meanLuma(rgb: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < rgb.length; j += 3) sum += luma(rgb[j], rgb[j + 1], rgb[j + 2]);
  return sum / (rgb.length / 3);
}

/** Mean distance in the (Cb, Cr) plane between two packed RGB buffers of the same size. */
export function meanChromaDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < a.length; j += 3) {
    const db = chromaBlue(a[j], a[j + 1], a[j + 2]) - chromaBlue(b[j], b[j + 1], b[j + 2]);
    const dr = chromaRed(a[j], a[j + 1], a[j + 2]) - chromaRed(b[j], b[j + 1], b[j + 2]);
    sum += Math.sqrt(db * db + dr * dr);
  }
  return sum / (a.length / 3);
}
