import type { RgbImage } from "../image.js";

/** Bins of the luma histogram compared between frames. */
const BINS = 32;
/** Side of the luma thumbnail compared between frames. */
const THUMB = 16;

/** Default for {@link CutDetector}'s histogram threshold. */
export const DEFAULT_CUT_THRESHOLD = 0.3;

/**
 * Detects hard cuts between consecutive frames. Two measures on luma, both cheap (every
 * frame is subsampled to about 4k pixels):
 * - the histogram distance (half the L1 distance of normalised 32-bin histograms, 0..1):
 *   a new shot has a new tone distribution, while camera motion and sensor noise barely move it;
 * - the mean absolute difference of 16×16 luma thumbnails (0..1), for cuts between shots of
 *   similar tones but different layout.
 * A cut is declared when the histogram distance exceeds `threshold` or the thumbnail
 * difference exceeds `threshold / 2` (a pan shifts the thumbnails far less than that).
 */
export class CutDetector {
  private previous?: { histogram: Float32Array; thumb: Float32Array };

  constructor(private readonly threshold = DEFAULT_CUT_THRESHOLD) {}

  /** Feeds the next frame; true when it starts a new shot (the first frame always does). */
  push(frame: RgbImage): boolean {
    const current = signature(frame);
    const previous = this.previous;
    this.previous = current;
    if (!previous) return true;
    const { histogram, thumb } = frameDistance(previous, current);
    return histogram > this.threshold || thumb > this.threshold / 2;
  }
}

/** Histogram and thumbnail distances between two frame signatures (exported for tests and benchmarks). */
export function frameDistance(a: FrameSignature, b: FrameSignature): { histogram: number; thumb: number } {
  let histogram = 0;
  for (let i = 0; i < BINS; i++) histogram += Math.abs(a.histogram[i] - b.histogram[i]);
  let thumb = 0;
  for (let i = 0; i < a.thumb.length; i++) thumb += Math.abs(a.thumb[i] - b.thumb[i]);
  return { histogram: histogram / 2, thumb: thumb / a.thumb.length };
}

/** What a frame is compared by. */
export interface FrameSignature {
  histogram: Float32Array;
  thumb: Float32Array;
}

/** The luma histogram (normalised) and thumbnail (0..1) of a frame. */
export function signature(frame: RgbImage): FrameSignature {
  const { data, width, height } = frame;
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 4096)));
  const histogram = new Float32Array(BINS);
  const thumb = new Float32Array(THUMB * THUMB);
  const counts = new Float32Array(THUMB * THUMB);
  let n = 0;
  for (let y = 0; y < height; y += step) {
    const ty = Math.min(THUMB - 1, Math.floor((y * THUMB) / height));
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 3;
      const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      histogram[Math.min(BINS - 1, Math.floor((luma * BINS) / 256))]++;
      const t = ty * THUMB + Math.min(THUMB - 1, Math.floor((x * THUMB) / width));
      thumb[t] += luma / 255;
      counts[t]++;
      n++;
    }
  }
  for (let i = 0; i < BINS; i++) histogram[i] /= n;
  for (let i = 0; i < thumb.length; i++) thumb[i] = counts[i] ? thumb[i] / counts[i] : 0;
  return { histogram, thumb };
}
