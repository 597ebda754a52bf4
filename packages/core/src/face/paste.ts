import type { RgbImage } from "../image.js";
import { applySimilarity, invertSimilarity, type Similarity } from "./similarity.js";
import { sampleBilinear } from "./warp.js";

/** A stylized aligned crop and the transform that took the image into it. */
export interface FacePlacement {
  /** Image coordinates → crop coordinates. */
  toCrop: Similarity;
  crop: RgbImage;
}

/**
 * Mask radius (in half-crops, superellipse norm) where the feather starts and where it
 * reaches zero. Zero before the crop's edge, so the crop's border never shows.
 */
const FEATHER_START = 0.62;
const FEATHER_END = 0.97;
/** Exponent of the superellipse: a rounded square that follows the head and the chin. */
const SHAPE_POWER = 4;

/**
 * Feathered mask weight (0..1) at crop coordinates `(u, v)` of a `size × size` crop: 1 over
 * the face, a smoothstep falloff to 0 before the crop's border (continuous slope, no edge).
 */
export function faceMaskWeight(u: number, v: number, size: number): number {
  const half = size / 2;
  const dx = Math.abs(u - half) / half, dy = Math.abs(v - half) / half;
  const r = Math.pow(dx ** SHAPE_POWER + dy ** SHAPE_POWER, 1 / SHAPE_POWER);
  if (r <= FEATHER_START) return 1;
  if (r >= FEATHER_END) return 0;
  const t = (FEATHER_END - r) / (FEATHER_END - FEATHER_START);
  return t * t * (3 - 2 * t);
}

/**
 * Blends stylized face crops into `background` through their feathered masks. Overlapping
 * faces are averaged by weight and combined as `1 − Π(1 − wᵢ)`, so neither face's mask edge
 * shows inside the other. Pixels outside every mask keep the background's exact values.
 */
export function blendFaces(background: RgbImage, faces: readonly FacePlacement[]): RgbImage {
  const { width, height } = background;
  const out = new Uint8ClampedArray(background.data);
  const region = unionBounds(faces, width, height);
  if (!region) return { data: out, width, height };
  const rw = region.x1 - region.x0, rh = region.y1 - region.y0;
  const colour = new Float32Array(rw * rh * 3);
  const weightSum = new Float32Array(rw * rh);
  const uncovered = new Float32Array(rw * rh).fill(1);
  const sample = new Float64Array(3);

  for (const { toCrop, crop } of faces) {
    const b = faceBounds(toCrop, crop.width, width, height);
    for (let y = b.y0; y < b.y1; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        const [u, v] = applySimilarity(toCrop, [x + 0.5, y + 0.5]);
        const w = faceMaskWeight(u, v, crop.width);
        if (w <= 0) continue;
        sampleBilinear(crop, u, v, sample);
        const i = (y - region.y0) * rw + (x - region.x0);
        colour[i * 3] += w * sample[0];
        colour[i * 3 + 1] += w * sample[1];
        colour[i * 3 + 2] += w * sample[2];
        weightSum[i] += w;
        uncovered[i] *= 1 - w;
      }
    }
  }

  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const i = (y - region.y0) * rw + (x - region.x0);
      if (weightSum[i] <= 0) continue;
      const alpha = 1 - uncovered[i];
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const bg = background.data[o + c];
        out[o + c] = bg + alpha * (colour[i * 3 + c] / weightSum[i] - bg);
      }
    }
  }
  return { data: out, width, height };
}

/**
 * The combined blend weight (`1 − Π(1 − wᵢ)`) of every face at each image pixel: where the
 * face pass changes the background and by how much.
 */
export function faceBlendWeights(toCrops: readonly Similarity[], cropSize: number, width: number, height: number): Float32Array {
  const uncovered = new Float32Array(width * height).fill(1);
  for (const toCrop of toCrops) {
    const b = faceBounds(toCrop, cropSize, width, height);
    for (let y = b.y0; y < b.y1; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        const [u, v] = applySimilarity(toCrop, [x + 0.5, y + 0.5]);
        uncovered[y * width + x] *= 1 - faceMaskWeight(u, v, cropSize);
      }
    }
  }
  return uncovered.map((k) => 1 - k);
}

interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Image pixels that a crop can touch: its four corners mapped back, clamped to the image. */
function faceBounds(toCrop: Similarity, cropSize: number, width: number, height: number): Bounds {
  const back = invertSimilarity(toCrop);
  const corners = [[0, 0], [cropSize, 0], [0, cropSize], [cropSize, cropSize]].map((p) => applySimilarity(back, p as [number, number]));
  const xs = corners.map((p) => p[0]), ys = corners.map((p) => p[1]);
  return {
    x0: Math.max(0, Math.floor(Math.min(...xs))),
    y0: Math.max(0, Math.floor(Math.min(...ys))),
    x1: Math.min(width, Math.ceil(Math.max(...xs))),
    y1: Math.min(height, Math.ceil(Math.max(...ys))),
  };
}

function unionBounds(faces: readonly FacePlacement[], width: number, height: number): Bounds | undefined {
  let u: Bounds | undefined;
  for (const f of faces) {
    const b = faceBounds(f.toCrop, f.crop.width, width, height);
    if (b.x1 <= b.x0 || b.y1 <= b.y0) continue;
    u = u ? { x0: Math.min(u.x0, b.x0), y0: Math.min(u.y0, b.y0), x1: Math.max(u.x1, b.x1), y1: Math.max(u.y1, b.y1) } : b;
  }
  return u;
}
