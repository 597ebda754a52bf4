import { Anime2dError, throwIfAborted } from "../errors.js";
import { runModelPass } from "../tiling/run-auto.js";
import type { RgbImage } from "../image.js";
import type { LoadedModel, ModelPool } from "../model-pool.js";
import type { ProgressCallback } from "../progress.js";
import { listModels, type ModelSpec } from "../registry.js";
import { lanczosResize } from "./lanczos.js";

/**
 * A 2× upscaler: a registered super-resolution model (kind `"upscaler"`) or `"lanczos"`,
 * the model-free resize written in core.
 */
export type UpscalerId = "waifu2x" | "waifu2x-cunet" | "realcugan" | "realesrgan" | "lanczos" | (string & {});

/** The upscaler used when none is given: waifu2x UpConv7, the most faithful of the fast ones. */
export const DEFAULT_UPSCALER = "waifu2x";

/** The model-free upscaler's id. */
export const LANCZOS = "lanczos";

/** Ids accepted as `upscaler`: every registered upscaler model, then `"lanczos"`. */
export function listUpscalers(): string[] {
  return [...listModels("upscaler").map((m) => m.id), LANCZOS];
}

/**
 * Resolves an upscaler id: the model spec, or `undefined` for `"lanczos"`.
 * Throws `INVALID_OPTION` naming the valid ids.
 */
export function resolveUpscaler(id: unknown): ModelSpec | undefined {
  const name = id ?? DEFAULT_UPSCALER;
  if (name === LANCZOS) return undefined;
  const spec = typeof name === "string" ? listModels("upscaler").find((m) => m.id === name) : undefined;
  if (!spec) throw new Anime2dError("INVALID_OPTION", `Unknown upscaler "${String(name)}"; use one of ${listUpscalers().join(", ")}.`);
  return spec;
}

/**
 * Inputs above this many pixels are upscaled in tiles: a 2× network's activations at 512²
 * in already take about as much memory as a style generator at 1 MP.
 */
export const UPSCALE_TILE_PIXELS = 512 * 512;

/**
 * Runs one 2× model on an image: exactly `2W × 2H` out. Large inputs go through the tiler
 * with plain blending (the networks hold no global statistics, so no harmonisation).
 */
export function runUpscaler(model: LoadedModel, image: RgbImage, options: { signal?: AbortSignal; onProgress?: ProgressCallback } = {}): Promise<RgbImage> {
  return runModelPass(model, image, { tilePixels: UPSCALE_TILE_PIXELS, ...options });
}

/** 2× with the core Lanczos-3 (any number of interleaved channels). */
export function lanczos2x(data: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: number): Uint8ClampedArray {
  return lanczosResize(data, width, height, channels, width * 2, height * 2);
}

/** What {@link upscaleRgb} needs beyond the image. */
export interface UpscaleContext {
  pool: ModelPool;
  signal?: AbortSignal;
  progress: ProgressCallback;
}

/** Upscales an RGB image 2× with the given upscaler (a resolved spec, or undefined for Lanczos). */
export async function upscaleRgb(ctx: UpscaleContext, image: RgbImage, spec: ModelSpec | undefined): Promise<RgbImage> {
  const modelId = spec?.id ?? LANCZOS;
  ctx.progress({ stage: "upscale", model: modelId, progress: 0 });
  let out: RgbImage;
  if (spec) {
    const model = await ctx.pool.get(spec, ctx.signal, ctx.progress);
    throwIfAborted(ctx.signal);
    out = await runUpscaler(model, image, { signal: ctx.signal, onProgress: ctx.progress });
  } else {
    out = { data: lanczos2x(image.data, image.width, image.height, 3), width: image.width * 2, height: image.height * 2 };
  }
  ctx.progress({ stage: "upscale", model: modelId, progress: 1 });
  return out;
}
