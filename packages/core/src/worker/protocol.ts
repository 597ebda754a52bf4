import { Anime2dError, type Anime2dErrorCode } from "../errors.js";
import type { Anime2dEnv } from "../env.js";
import type { RawImage } from "../image.js";
import type { ModelPoolOptions } from "../model-pool.js";
import type { ProgressEvent } from "../progress.js";
import type { ModelSpec } from "../registry.js";

/**
 * The one message protocol between a stylizer and its workers, spoken by the Node pool
 * (worker_threads) and the browser's Web Worker alike. A request names an operation of the
 * host's table (`stylize`, `detectFaces`, `upscale`, `warmup`…); its options cross by
 * structured clone, except `signal` and `onProgress`, which become `abort` and `progress`
 * messages.
 */

/** What a worker is started with: model pool options plus platform extras (e.g. the web backend). */
export type WorkerInit = Omit<ModelPoolOptions, "sessionOptions"> & { sessionOptions?: ModelPoolOptions["sessionOptions"] } & Record<string, unknown>;

/** The page's or main thread's settings a request runs under: `env` and custom registry entries. */
export interface WorkerSetup {
  env: Anime2dEnv;
  models: ModelSpec[];
}

/** Options as they cross: everything but the signal and the progress callback. */
export type WireOptions<T> = Omit<T, "signal" | "onProgress">;

/** Messages to a worker. */
export type ToWorker =
  | { type: "init"; options: WorkerInit }
  | { type: "run"; id: number; op: string; input: unknown; options: Record<string, unknown>; setup: WorkerSetup }
  | { type: "abort"; id: number }
  | { type: "dispose" };

/** A result as it crosses: an image (rebuilt as the platform's result class) or plain data. */
export type WireResult = { kind: "image"; image: RawImage } | { kind: "value"; value: unknown };

/** An error as it crosses threads. */
export interface WireError {
  code: Anime2dErrorCode;
  message: string;
}

/** Messages from a worker. */
export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; id: number; event: ProgressEvent }
  | { type: "result"; id: number; result: WireResult }
  | { type: "error"; id: number; error: WireError }
  | { type: "disposed" };

/** Flattens any error to a code and message (Anime2dErrors keep their code). */
export function toWire(error: unknown): WireError {
  if (error instanceof Anime2dError) return { code: error.code, message: error.message };
  return { code: "INFERENCE_FAILED", message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds the typed error on the caller's side. */
export function fromWire(error: WireError): Anime2dError {
  return new Anime2dError(error.code, error.message);
}

/** Splits a call's options into what crosses and what stays (signal, progress callback). */
export function splitOptions<T extends { signal?: AbortSignal; onProgress?: unknown }>(options: T | undefined): {
  wire: WireOptions<T>;
  signal?: AbortSignal;
  onProgress?: T["onProgress"];
} {
  const { signal, onProgress, ...wire } = options ?? ({} as T);
  return { wire: wire as WireOptions<T>, signal, onProgress };
}

/**
 * The buffers of a result that can be moved rather than copied: every typed array's buffer,
 * found in the value and its plain objects and arrays (a few levels deep).
 */
export function transferables(value: unknown, depth = 4, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (value instanceof ArrayBuffer) {
    found.add(value);
  } else if (depth > 0 && value !== null && typeof value === "object") {
    for (const item of Object.values(value)) transferables(item, depth - 1, found);
  }
  return [...found];
}
