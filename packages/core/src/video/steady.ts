import type { RawImage, RgbImage } from "../image.js";

/** Side of the blocks the input's motion is measured on (averaging sensor noise away). */
const BLOCK = 4;
/** Block luma change (0..255) at and above which a block counts as moving and is not blended. */
const MOTION = 10;

/**
 * Output-side temporal smoothing for still parts of a shot. Frozen statistics remove the
 * tone flicker, but a generator still answers every frame's sensor noise with its own
 * texture. Where the *input* did not move (4×4 block luma change under 10 levels, far above
 * noise averaged over a block, far below any motion), the output is blended with the
 * previous output, recursively, so a still shot settles; where the input moves, the new
 * output is taken as it is (no ghosting). `reset()` at a cut.
 */
export class SteadyBlend {
  private previousInput?: Float32Array;
  private previousOutput?: Float32Array;

  /** @param strength - weight of the previous output on a perfectly still block (0 turns blending off). */
  constructor(private readonly strength: number) {}

  /** Blends `output` (the stylization of `input`, same size, 3 or 4 channels) in place. */
  push(input: RgbImage, output: RawImage): void {
    if (this.strength <= 0) return;
    const blocks = blockLuma(input);
    const { previousInput, previousOutput } = this;
    const channels = output.channels;
    const n = output.width * output.height;
    const sameSize = output.width === input.width && output.height === input.height;
    if (!sameSize || !previousInput || !previousOutput || previousOutput.length !== n * 3) {
      this.previousInput = blocks;
      this.previousOutput = toFloat(output);
      return;
    }
    const bw = Math.ceil(input.width / BLOCK);
    const weights = new Float32Array(blocks.length);
    for (let i = 0; i < blocks.length; i++) weights[i] = this.strength * Math.max(0, 1 - Math.abs(blocks[i] - previousInput[i]) / MOTION);
    const data = output.data;
    for (let y = 0; y < output.height; y++) {
      const row = Math.floor(y / BLOCK) * bw;
      for (let x = 0; x < output.width; x++) {
        const w = weights[row + Math.floor(x / BLOCK)];
        const p = y * output.width + x;
        for (let c = 0; c < 3; c++) {
          const v = data[p * channels + c] + w * (previousOutput[p * 3 + c] - data[p * channels + c]);
          previousOutput[p * 3 + c] = v;
          data[p * channels + c] = v;
        }
      }
    }
    // The motion reference follows the input only where it moved, so slow drifts still register.
    for (let i = 0; i < blocks.length; i++) if (weights[i] === 0) previousInput[i] = blocks[i];
  }

  reset(): void {
    this.previousInput = undefined;
    this.previousOutput = undefined;
  }
}

function blockLuma(image: RgbImage): Float32Array {
  const bw = Math.ceil(image.width / BLOCK);
  const bh = Math.ceil(image.height / BLOCK);
  const sums = new Float32Array(bw * bh);
  const counts = new Float32Array(bw * bh);
  const { data, width, height } = image;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / BLOCK) * bw;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const b = row + Math.floor(x / BLOCK);
      sums[b] += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      counts[b]++;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] /= counts[i];
  return sums;
}

function toFloat(image: RawImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = image.data[p * image.channels + c];
  return out;
}
