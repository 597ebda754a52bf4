import type { RgbImage } from "../image.js";
import { chromaBlue, chromaRed, luma, meanLuma } from "./color-space.js";

/**
 * How the stylized image's colours relate to the photo's:
 * - `"model"`: as the generator painted them;
 * - `"match"`: the generator's colours, brightness matched to the photo (as AnimeGANv2's
 *   reference scripts do);
 * - `"preserve"`: the photo's chroma under the generator's luma, so line art and shading come
 *   from the style and colours from the photo.
 */
export type ColorMode = "model" | "match" | "preserve";

/** The colour modes, for validation and listings. */
export const COLOR_MODES: readonly ColorMode[] = ["model", "match", "preserve"];

/** Applies a {@link ColorMode}, taking `photo` as the colour reference for `styled`. */
export function applyColorMode(photo: RgbImage, styled: RgbImage, mode: ColorMode): RgbImage {
  if (mode === "match") return matchBrightness(photo, styled);
  if (mode === "preserve") return preserveColor(photo, styled);
  return styled;
}

/**
 * Scales the stylized RGB so its mean luma equals the photo's. Scaling RGB (not adding an
 * offset) keeps hue and relative saturation, like AnimeGANv2's `adjust_brightness_from_src_to_dst`.
 * Pixels that clip at 255 lose part of their gain, so the gain is refined a few times
 * against the clipped result.
 */
export function matchBrightness(photo: RgbImage, styled: RgbImage): RgbImage {
  const target = meanLuma(photo.data);
  const source = styled.data;
  let out = source;
  let gain = 1;
  for (let round = 0; round < 4; round++) {
    const current = meanLuma(out);
    // A black result has no brightness to scale; leave it as the model made it.
    if (current < 1e-3 || Math.abs(current - target) <= 0.001 * target) break;
    gain *= target / current;
    out = new Uint8ClampedArray(source.length);
    for (let i = 0; i < source.length; i++) out[i] = source[i] * gain;
  }
  return { data: out, width: styled.width, height: styled.height };
}

/**
 * Puts the photo's chroma (Cb, Cr) under the stylized luma. Where that colour falls outside
 * the RGB cube, its chroma is scaled toward grey just enough to fit, which keeps luma exact
 * (plain clipping would shift it).
 */
export function preserveColor(photo: RgbImage, styled: RgbImage): RgbImage {
  const p = photo.data;
  const s = styled.data;
  const out = new Uint8ClampedArray(s.length);
  for (let j = 0; j < s.length; j += 3) {
    const y = luma(s[j], s[j + 1], s[j + 2]);
    const cb = chromaBlue(p[j], p[j + 1], p[j + 2]);
    const cr = chromaRed(p[j], p[j + 1], p[j + 2]);
    const dr = 1.402 * cr;
    const dg = -0.344136 * cb - 0.714136 * cr;
    const db = 1.772 * cb;
    const k = Math.min(1, fit(y, dr), fit(y, dg), fit(y, db));
    out[j] = y + k * dr;
    out[j + 1] = y + k * dg;
    out[j + 2] = y + k * db;
  }
  return { data: out, width: styled.width, height: styled.height };
}

/** Largest k ≥ 0 with `y + k·d` inside 0..255 (y itself is inside). */
function fit(y: number, d: number): number {
  if (d > 0) return (255 - y) / d;
  if (d < 0) return y / -d;
  return Infinity;
}
