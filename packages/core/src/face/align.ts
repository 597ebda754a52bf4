import type { FaceLandmarks } from "./detect.js";
import { estimateSimilarity, type Point, type Similarity } from "./similarity.js";

/** Side of the canonical face crop the style models see (their best resolution). */
export const FACE_CROP_SIZE = 512;

/**
 * Where the five landmarks land in a 512×512 aligned crop: the FFHQ-style template used by
 * GFPGAN and CodeFormer (eyes 126 px apart at y ≈ 240, mouth at y ≈ 371), which leaves
 * room above for hair and below for the chin.
 */
export const FACE_TEMPLATE_512: readonly Point[] = [
  [192.98138, 239.94708],
  [318.90277, 240.1936],
  [256.63416, 314.01935],
  [201.26117, 371.41043],
  [313.08905, 371.15118],
];

/** The template's landmarks for a crop of `size × size`. */
export function faceTemplate(size: number): Point[] {
  const k = size / 512;
  return FACE_TEMPLATE_512.map(([x, y]) => [x * k, y * k]);
}

/**
 * The similarity taking image coordinates to a `size × size` aligned crop: least squares
 * over the five landmarks, so one badly placed point moves the crop only a little.
 */
export function alignmentFor(landmarks: FaceLandmarks, size = FACE_CROP_SIZE): Similarity {
  return estimateSimilarity(landmarks, faceTemplate(size));
}
