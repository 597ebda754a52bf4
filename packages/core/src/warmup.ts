import type { PipelineContext } from "./pipeline.js";
import { stylizePipeline } from "./pipeline.js";
import { DEFAULT_STYLE } from "./registry.js";
import { throwIfAborted } from "./errors.js";
import type { ProgressCallback } from "./progress.js";

/** Options of `stylizer.warmup()`. */
export interface WarmupOptions {
  /** Styles to open and run once (default: the default style). */
  styles?: string[];
  /** Square sizes, in pixels, to run each style at once (default `[512]`). */
  sizes?: number[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/**
 * Opens each style's models and runs them once per size on a plain grey image, so the first
 * real request finds its sessions open and ONNX Runtime's memory sized.
 */
export async function warmupPipeline(ctx: PipelineContext, _input: unknown, options: WarmupOptions = {}): Promise<void> {
  const { styles = [DEFAULT_STYLE], sizes = [512], signal, onProgress } = options;
  for (const style of styles) {
    for (const size of sizes) {
      throwIfAborted(signal);
      const data = new Uint8ClampedArray(size * size * 3).fill(128);
      await stylizePipeline(ctx, { data, width: size, height: size, channels: 3 }, { style, signal, onProgress });
    }
  }
}
