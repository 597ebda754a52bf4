import type { RgbImage } from "../image.js";
import type { LoadedModel } from "../model-pool.js";
import { runImageModel } from "../generate.js";
import { boxBlur, downscaleArea, sampleBilinear } from "./pixels.js";

/**
 * The whole image stylized at low resolution. Its normalisation layers saw the whole picture,
 * so its local colours are the tone a whole-image run would give; tiles are matched to it.
 */
export interface ToneReference {
  /** The stylized low-resolution image (in the model's output scale). */
  image: RgbImage;
  /** How many output pixels per reference pixel, per axis. */
  factor: number;
  /** Box radius, in output pixels, of the local means that are matched. */
  radius: number;
}

/** Default budget of the low-resolution pass, in input pixels (about 512²). */
export const DEFAULT_REFERENCE_PIXELS = 512 * 512;

/**
 * Runs the model once on the image shrunk (by area averaging, an integer factor) to at most
 * `pixels` pixels.
 */
export async function makeToneReference(model: LoadedModel, image: RgbImage, pixels = DEFAULT_REFERENCE_PIXELS): Promise<ToneReference> {
  const factor = Math.max(1, Math.ceil(Math.sqrt((image.width * image.height) / pixels)));
  const styled = await runImageModel(model, downscaleArea(image, factor));
  // The local means must be wider than a reference pixel, or its blockiness leaks in.
  return { image: styled, factor, radius: Math.max(16, 2 * factor * (model.spec.scale ?? 1)) };
}

/**
 * Gives a stylized tile the reference's local tone: adds the difference of the two images'
 * local means (a twice-applied box, i.e. a smooth triangle window), so the tile keeps its own
 * detail while its low frequencies follow the whole-image pass. `left`/`top` place the tile in
 * output pixels. Returns float RGB so no rounding happens before blending.
 */
export function harmoniseTile(tile: RgbImage, reference: ToneReference, left: number, top: number): Float32Array {
  const { width, height } = tile;
  const target = sampleBilinear(reference.image, reference.factor, left, top, width, height);
  const own = Float32Array.from(tile.data);
  const radius = Math.max(1, Math.round(reference.radius / 2));
  for (let pass = 0; pass < 2; pass++) {
    boxBlur(target, width, height, radius);
    boxBlur(own, width, height, radius);
  }
  const out = target; // reused: out = tile + (target mean − own mean)
  for (let i = 0; i < out.length; i++) out[i] = tile.data[i] + out[i] - own[i];
  return out;
}
