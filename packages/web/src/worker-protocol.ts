import { Anime2dError, type Anime2dEnv, type Anime2dErrorCode, type ProgressEvent, type RawImage, type StylizeOptions, type StylizerOptions } from "@anime2d/core";
import type { WebRuntimeOptions } from "./runtime.js";

/** Stylizer options that can cross to a worker (no functions, no signals). */
export type WorkerInitOptions = Omit<StylizerOptions, "signal" | "onProgress"> & WebRuntimeOptions;

/** Messages from the page to the worker. */
export type ToWorker =
  | { type: "init"; options: WorkerInitOptions; env: Anime2dEnv }
  | { type: "stylize"; id: number; input: unknown; options: Omit<StylizeOptions, "signal" | "onProgress"> }
  | { type: "abort"; id: number }
  | { type: "dispose" };

/** An error as it crosses threads. */
export interface WireError {
  code: Anime2dErrorCode;
  message: string;
}

/** Messages from the worker to the page. */
export type FromWorker =
  | { type: "progress"; id: number; event: ProgressEvent }
  | { type: "result"; id: number; image: RawImage }
  | { type: "error"; id: number; error: WireError }
  | { type: "disposed" };

/** Flattens any error to a code and message (Anime2dErrors keep their code). */
export function toWire(error: unknown): WireError {
  if (error instanceof Anime2dError) return { code: error.code, message: error.message };
  return { code: "INFERENCE_FAILED", message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds the typed error on the page side. */
export function fromWire(error: WireError): Anime2dError {
  return new Anime2dError(error.code, error.message);
}
