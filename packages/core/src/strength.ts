import type { RgbImage } from "./image.js";

/**
 * Mixes the stylized image over the original: `original + strength × (styled − original)`.
 * Strength 1 returns the stylized pixels untouched, 0 the original.
 */
export function mixStrength(original: RgbImage, styled: RgbImage, strength: number): RgbImage {
  if (strength >= 1) return styled;
  const a = original.data;
  const b = styled.data;
  const out = new Uint8ClampedArray(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + strength * (b[i] - a[i]);
  return { data: out, width: original.width, height: original.height };
}
