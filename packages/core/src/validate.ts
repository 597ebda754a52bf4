import { Anime2dError } from "./errors.js";

/**
 * Up-front checks of numeric options, one place for every entry point (stylizers, one-shot
 * calls, worker pools): each throws `INVALID_OPTION` naming the option, its range and the value.
 */

/** Throws unless `value` is undefined or an integer in `min..max`. */
export function checkIntegerOption(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Anime2dError("INVALID_OPTION", `${name} must be an integer from ${min} to ${max}, got ${describe(value)}.`);
  }
}

/** Throws unless `value` is undefined or a number (not NaN) in `min..max`. */
export function checkNumberOption(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || Number.isNaN(value) || value < min || value > max) {
    throw new Anime2dError("INVALID_OPTION", `${name} must be a number from ${min} to ${max}, got ${describe(value)}.`);
  }
}

/** Most ONNX Runtime threads per session, as a multiple of the machine's cores. */
export const THREADS_PER_CORE = 4;

/**
 * `threads` must be an integer from 1 to 4 × cores: more threads than that only add contention,
 * and huge values make ONNX Runtime allocate per-thread state until it runs out of memory.
 */
export function checkThreads(threads: unknown, cores: number | undefined, name = "threads"): void {
  checkIntegerOption(name, threads, 1, THREADS_PER_CORE * Math.max(1, cores ?? defaultCores()));
}

/** The positive size limits (`maxInputPixels`, `maxInputBytes`): a positive number, Infinity allowed. */
export function checkLimitOption(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !(value > 0)) {
    throw new Anime2dError("INVALID_OPTION", `${name} must be a positive number, got ${describe(value)}.`);
  }
}

function defaultCores(): number {
  const reported = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof reported === "number" && reported > 0 ? reported : 16;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
