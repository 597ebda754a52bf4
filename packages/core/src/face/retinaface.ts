import type { Point } from "./similarity.js";

/**
 * RetinaFace (MobileNet-0.25) conventions, as published with Pytorch_Retinaface:
 * anchor ("prior") boxes on feature maps of strides 8, 16 and 32, two square sizes per
 * stride, offsets decoded with variances 0.1 (centres) and 0.2 (log sizes).
 */
const STEPS = [8, 16, 32] as const;
const MIN_SIZES = [[16, 32], [64, 128], [256, 512]] as const;
const CENTRE_VARIANCE = 0.1;
const SIZE_VARIANCE = 0.2;
/** Per-channel BGR means the network was trained with (subtracted from raw 0..255 values). */
const BGR_MEAN = [104, 117, 123] as const;
/** Candidates kept (by score) before NMS, as in the reference. */
const PRE_NMS_TOP_K = 5000;

/** The network's input side lengths must be multiples of its largest stride. */
export const RETINAFACE_MULTIPLE = 32;

/** A detection in the coordinates of the tensor the network saw. */
export interface RawDetection {
  /** Corners `[x1, y1, x2, y2]`. */
  box: [number, number, number, number];
  score: number;
  /** Left eye, right eye, nose, left and right mouth corners. */
  landmarks: Point[];
}

/**
 * Prior boxes for a `width × height` input, centre form in pixels, flattened
 * `[cx, cy, size]` per prior in the network's output order (row, column, size).
 */
export function retinafacePriors(width: number, height: number): Float32Array {
  let count = 0;
  for (let k = 0; k < STEPS.length; k++) count += Math.ceil(height / STEPS[k]) * Math.ceil(width / STEPS[k]) * MIN_SIZES[k].length;
  const priors = new Float32Array(count * 3);
  let p = 0;
  for (let k = 0; k < STEPS.length; k++) {
    const step = STEPS[k];
    const rows = Math.ceil(height / step), cols = Math.ceil(width / step);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (const size of MIN_SIZES[k]) {
          priors[p++] = (j + 0.5) * step;
          priors[p++] = (i + 0.5) * step;
          priors[p++] = size;
        }
      }
    }
  }
  return priors;
}

/**
 * Builds the network input from interleaved float RGB (0..255): BGR minus the training
 * means, NCHW, padded right and bottom with zeros (the mean colour) to `paddedWidth × paddedHeight`.
 */
export function retinafaceInput(rgb: Float32Array, width: number, height: number, paddedWidth: number, paddedHeight: number): Float32Array {
  const plane = paddedWidth * paddedHeight;
  const out = new Float32Array(plane * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const p = y * paddedWidth + x;
      out[p] = rgb[s + 2] - BGR_MEAN[0];
      out[plane + p] = rgb[s + 1] - BGR_MEAN[1];
      out[2 * plane + p] = rgb[s] - BGR_MEAN[2];
    }
  }
  return out;
}

/**
 * Decodes the three outputs (box offsets `[N, 4]`, class scores `[N, 2]`, landmark offsets
 * `[N, 10]`) against the priors, keeps scores ≥ `minScore` and applies NMS.
 * Results are sorted by score, highest first.
 */
export function decodeRetinaface(
  priors: Float32Array,
  loc: Float32Array,
  conf: Float32Array,
  landms: Float32Array,
  minScore: number,
  nmsIou = 0.4,
): RawDetection[] {
  const n = priors.length / 3;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (conf[i * 2 + 1] >= minScore) candidates.push(i);
  candidates.sort((i, j) => conf[j * 2 + 1] - conf[i * 2 + 1]);
  candidates.length = Math.min(candidates.length, PRE_NMS_TOP_K);

  const decoded = candidates.map((i): RawDetection => {
    const cx = priors[i * 3], cy = priors[i * 3 + 1], size = priors[i * 3 + 2];
    const bx = cx + loc[i * 4] * CENTRE_VARIANCE * size;
    const by = cy + loc[i * 4 + 1] * CENTRE_VARIANCE * size;
    const bw = size * Math.exp(loc[i * 4 + 2] * SIZE_VARIANCE);
    const bh = size * Math.exp(loc[i * 4 + 3] * SIZE_VARIANCE);
    const landmarks: Point[] = [];
    for (let k = 0; k < 5; k++) {
      landmarks.push([
        cx + landms[i * 10 + 2 * k] * CENTRE_VARIANCE * size,
        cy + landms[i * 10 + 2 * k + 1] * CENTRE_VARIANCE * size,
      ]);
    }
    return { box: [bx - bw / 2, by - bh / 2, bx + bw / 2, by + bh / 2], score: conf[i * 2 + 1], landmarks };
  });
  return nonMaximumSuppression(decoded, nmsIou);
}

/** Greedy NMS: walks detections by falling score, dropping any that overlap a kept one by > `iou`. */
export function nonMaximumSuppression(detections: RawDetection[], iou: number): RawDetection[] {
  const sorted = [...detections].sort((p, q) => q.score - p.score);
  const kept: RawDetection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => boxIou(k.box, d.box) <= iou)) kept.push(d);
  }
  return kept;
}

/** Intersection over union of two corner-form boxes. */
export function boxIou(p: readonly number[], q: readonly number[]): number {
  const w = Math.min(p[2], q[2]) - Math.max(p[0], q[0]);
  const h = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
  return union > 0 ? inter / union : 0;
}
