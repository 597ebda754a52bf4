import { Anime2dError, throwIfAborted } from "./errors.js";
import { joinAlpha, splitAlpha, type RgbImage } from "./image.js";
import { inputLimits, loadImage, type ImageInput, type InputLimitOptions } from "./input.js";
import type { ModelPool } from "./model-pool.js";
import { AnimeImage } from "./output.js";
import type { Platform } from "./platform.js";
import { reporter, type ProgressCallback } from "./progress.js";
import { DEFAULT_STYLE, getModel } from "./registry.js";
import { mixStrength } from "./strength.js";
import type { StyleId } from "./style-id.js";
import type { FaceOptions } from "./face/options.js";
import { avatarCrop, pasteStylizedFaces, planFaces } from "./face/pass.js";
import type { TileOptions } from "./tiling/options.js";
import { runModelPass } from "./tiling/run-auto.js";
import type { FinishOptions } from "./finish/options.js";
import { finishImage, planFinish } from "./finish/finish.js";
import type { FrameOptions } from "./video/options.js";

/** Options of one `stylize()` call. */
export interface StylizeOptions extends FaceOptions, TileOptions, FinishOptions, InputLimitOptions, FrameOptions {
  /** Registered style id (see `listStyles()`); default `"hayao"`. */
  style?: StyleId;
  /** 0..1: how much of the stylized image to mix over the original (default 1). */
  strength?: number;
  /** Cancels the work between stages; the promise rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Receives progress events per stage. */
  onProgress?: ProgressCallback;
}

/** What the pipeline needs: the platform and the open models. */
export interface PipelineContext {
  platform: Platform;
  pool: ModelPool;
}

/**
 * The one stylization pipeline, shared by every platform: load and decode, split alpha,
 * run the style generator (whole or tiled), stylize and paste back faces, mix by strength,
 * finish (colour, 2× upscale), re-attach alpha.
 */
export async function stylizePipeline(ctx: PipelineContext, input: ImageInput, options: StylizeOptions = {}): Promise<AnimeImage> {
  const { signal } = options;
  const progress = reporter(options.onProgress);
  const spec = getModel(options.style ?? DEFAULT_STYLE, "style");
  const strength = checkStrength(options.strength);
  const face = planFaces(options, spec);
  const finish = planFinish(options, face.mode === "avatar" ? face.faceSpec.id : spec.id);
  throwIfAborted(signal);

  progress({ stage: "decode" });
  const image = await loadImage(ctx.platform, input, inputLimits(options));
  const { rgb, width, height, alpha: inputAlpha } = splitAlpha(image);
  let alpha = inputAlpha;
  let original: RgbImage = { data: rgb, width, height };
  // An avatar is the stylized aligned crop of the largest face: square, RGB, avatarSize².
  if (face.mode === "avatar") [original, alpha] = [await avatarCrop(ctx, original, face, progress, signal), undefined];
  const styleSpec = face.mode === "avatar" ? face.faceSpec : spec;

  let result = original;
  if (strength > 0) {
    let styled = original;
    if (face.mode !== "auto" || face.background === "stylize") {
      // Whole-image pass, or overlapped tiles for large images (the tiling module decides).
      const model = await ctx.pool.get(styleSpec, signal, progress);
      throwIfAborted(signal);
      if (face.mode === "auto") progress({ stage: "background", model: styleSpec.id });
      styled = await runModelPass(model, original, { ...options, signal, onProgress: progress });
    }
    // Face pass: faces stylized on aligned crops, pasted back through feathered masks.
    if (face.mode === "auto") styled = await pasteStylizedFaces(ctx, original, styled, face, progress, signal);

    result = mixStrength(original, styled, strength);
  }
  throwIfAborted(signal);

  // Finishing: colour correction, then 2× upscale (alpha is enlarged with it).
  const finished = await finishImage({ pool: ctx.pool, signal, progress }, original, result, alpha, finish);

  progress({ stage: "done" });
  return new AnimeImage(joinAlpha(finished.rgb.data, finished.alpha, finished.rgb.width, finished.rgb.height), ctx.platform);
}

function checkStrength(strength: number | undefined): number {
  if (strength === undefined) return 1;
  if (typeof strength !== "number" || !(strength >= 0 && strength <= 1)) {
    throw new Anime2dError("INVALID_OPTION", `strength must be a number from 0 to 1, got ${strength}.`);
  }
  return strength;
}
