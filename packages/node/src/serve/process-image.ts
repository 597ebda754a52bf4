import type { Stylizer } from "../index.js";
import { CONTENT_TYPES, type JobParams } from "./params.js";

/** One finished image: its encoded bytes and what a client needs to know about them. */
export interface ImageResult {
  bytes: Uint8Array;
  contentType: string;
  width: number;
  height: number;
}

/** Limits and hooks of one image's run. */
export interface RunOptions {
  signal?: AbortSignal;
  maxInputPixels: number;
  /** The image's stage and its overall progress 0..1. */
  onProgress?: (event: { stage: string; progress: number }) => void;
}

/**
 * The service's whole work on one upload, the same in-process and in `anime2d worker`:
 * stylize the bytes (never a path: clients cannot name server files) and encode the answer.
 */
export async function processImage(stylizer: Stylizer, bytes: Uint8Array, params: JobParams, options: RunOptions): Promise<ImageResult> {
  const { format, quality, ...stylizeOptions } = params;
  const image = await stylizer.stylize(bytes, { ...stylizeOptions, signal: options.signal, maxInputPixels: options.maxInputPixels, onProgress: options.onProgress && ((e) => options.onProgress!({ stage: e.stage, progress: stageProgress(e.stage, e.progress) })) });
  const encoded = await image.toBuffer(format, { quality });
  return { bytes: encoded, contentType: CONTENT_TYPES[format], width: image.width, height: image.height };
}

/** Rough overall progress of one image from its pipeline stage (the model stages dominate). */
function stageProgress(stage: string, progress: number | undefined): number {
  if (stage === "done" || stage === "encode") return 0.95;
  if (stage === "decode") return 0.05;
  if (stage === "blend" || stage === "upscale" || stage === "color") return 0.9;
  return 0.1 + 0.8 * (progress ?? 0);
}
