import { Anime2dError, throwIfAborted } from "../errors.js";
import type { RgbImage } from "../image.js";
import type { ModelSpec } from "../registry.js";
import { applyColorMode, type ColorMode } from "./color.js";
import { resolveColorMode } from "./color-defaults.js";
import type { FinishOptions } from "./options.js";
import { lanczos2x, resolveUpscaler, upscaleRgb, type UpscaleContext } from "./upscale.js";

/** {@link FinishOptions} checked and with defaults filled in. */
export interface FinishPlan {
  color: ColorMode;
  /** The upscaler when `upscale` is 2: a model spec, or `null` for Lanczos; `undefined` for none. */
  upscaler: ModelSpec | null | undefined;
}

/**
 * Checks the finishing options before any work starts, so a typo fails in milliseconds
 * rather than after inference. Throws `INVALID_OPTION`.
 */
export function planFinish(options: FinishOptions, style: string): FinishPlan {
  const color = resolveColorMode(options.color, style);
  const scale = options.upscale ?? 1;
  if (scale !== 1 && scale !== 2) {
    throw new Anime2dError("INVALID_OPTION", `upscale must be 1 or 2, got ${JSON.stringify(options.upscale)}.`);
  }
  const upscaler = resolveUpscaler(options.upscaler);
  return { color, upscaler: scale === 2 ? upscaler ?? null : undefined };
}

/** The finished colour plane and, when the input had one, its alpha plane at the same size. */
export interface Finished {
  rgb: RgbImage;
  alpha: Uint8ClampedArray | undefined;
}

/**
 * The pipeline's last stage: colour correction against the photo, then the optional 2×
 * upscale. Alpha is enlarged with the core Lanczos: the SR networks are RGB-only and a
 * mask needs alignment, not invented detail.
 */
export async function finishImage(
  ctx: UpscaleContext,
  photo: RgbImage,
  styled: RgbImage,
  alpha: Uint8ClampedArray | undefined,
  plan: FinishPlan,
): Promise<Finished> {
  let rgb = styled;
  if (plan.color !== "model") {
    ctx.progress({ stage: "color" });
    rgb = applyColorMode(photo, styled, plan.color);
  }
  if (plan.upscaler === undefined) return { rgb, alpha };
  throwIfAborted(ctx.signal);
  const upscaled = await upscaleRgb(ctx, rgb, plan.upscaler ?? undefined);
  return { rgb: upscaled, alpha: alpha && lanczos2x(alpha, rgb.width, rgb.height, 1) };
}
