import { Anime2dError, asAnime2dError, throwIfAborted } from "./errors.js";
import { requireAcceptedFormat } from "./format.js";
import { assertValidNdarray, assertValidRawImage, isNdarrayLike, isRawImage, ndarrayToRawImage, type NdarrayLike, type RawImage } from "./image.js";
import { env } from "./env.js";
import type { Platform } from "./platform.js";
import { checkLimitOption } from "./validate.js";

/**
 * What `stylize()` accepts. Every platform takes encoded bytes, a {@link RawImage} and an
 * ndarray `[h, w, 3|4]`; Node adds file paths, the browser adds Blobs, canvases, URLs….
 */
export type ImageInput = Uint8Array | ArrayBuffer | RawImage | NdarrayLike | string | object;

/** Size limits of one input, checked before its pixels (or, for files, its bytes) are read. */
export interface InputLimits {
  /** Largest image in pixels, from its header. */
  maxPixels: number;
  /** Largest encoded input in bytes (default `env.maxInputBytes`). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * Turns any accepted input into 8-bit pixels, refusing images over `maxPixels` before their
 * pixels are decoded and encoded inputs over `maxBytes` before they are read.
 */
export async function loadImage(platform: Platform, input: ImageInput, options: InputLimits): Promise<RawImage> {
  if (input == null) throw new Anime2dError("INVALID_INPUT", "No input image was given.");
  checkLimitOption("maxInputPixels", options.maxPixels);
  checkLimitOption("maxInputBytes", options.maxBytes);
  const maxBytes = options.maxBytes ?? env.maxInputBytes;
  const loaded = isRawImage(input) || isNdarrayLike(input) || isBytes(input) ? input : await platformInput(platform, input, options.signal, maxBytes);
  throwIfAborted(options.signal);
  if (isBytes(loaded)) return decode(platform, toBytes(loaded), options.maxPixels, maxBytes);
  // An ndarray is copied into a packed buffer: check its view and size before allocating that copy.
  if (isNdarrayLike(loaded)) {
    assertValidNdarray(loaded);
    checkPixels(loaded.shape[1], loaded.shape[0], options.maxPixels);
  }
  const image = isNdarrayLike(loaded) ? ndarrayToRawImage(loaded as NdarrayLike) : (loaded as RawImage);
  assertValidRawImage(image);
  checkPixels(image.width, image.height, options.maxPixels);
  return image;
}

/** The input-size options every entry point (`stylize`, `detectFaces`, `upscale`) takes. */
export interface InputLimitOptions {
  /** Largest accepted input in pixels, read from the header (default `env.maxInputPixels`, 100 MP). */
  maxInputPixels?: number;
  /** Largest accepted encoded input or file in bytes (default `env.maxInputBytes`, 256 MiB). */
  maxInputBytes?: number;
}

/** The {@link InputLimits} of a call: its options over the `env` defaults. */
export function inputLimits(options: InputLimitOptions & { signal?: AbortSignal }): InputLimits {
  return { maxPixels: options.maxInputPixels ?? env.maxInputPixels, maxBytes: options.maxInputBytes ?? env.maxInputBytes, signal: options.signal };
}

/** Throws `INPUT_TOO_LARGE` when encoded data exceeds the byte budget. */
export function checkBytes(length: number, maxBytes: number): void {
  if (length > maxBytes) {
    throw new Anime2dError("INPUT_TOO_LARGE", `The input is ${length} bytes; the limit is ${maxBytes} (option maxInputBytes).`);
  }
}

/** Throws `INPUT_TOO_LARGE` when an image exceeds the pixel budget. */
export function checkPixels(width: number, height: number, maxPixels: number): void {
  if (typeof maxPixels !== "number" || !(maxPixels > 0)) {
    throw new Anime2dError("INVALID_OPTION", `maxInputPixels must be a positive number, got ${maxPixels}.`);
  }
  if (width * height > maxPixels) {
    throw new Anime2dError(
      "INPUT_TOO_LARGE",
      `Image is ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${(maxPixels / 1e6).toFixed(1)} MP (option maxInputPixels).`,
    );
  }
}

function isBytes(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function toBytes(value: Uint8Array | ArrayBuffer): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}

async function platformInput(platform: Platform, input: unknown, signal: AbortSignal | undefined, maxBytes: number): Promise<Uint8Array | RawImage> {
  const loaded = await platform.loadInput?.(input, signal, { maxBytes });
  if (loaded === undefined) {
    const kind = typeof input === "object" ? (input as object).constructor?.name ?? "object" : typeof input;
    throw new Anime2dError("INVALID_INPUT", `Unsupported input (${kind}) on ${platform.name}.`);
  }
  return loaded;
}

async function decode(platform: Platform, bytes: Uint8Array, maxPixels: number, maxBytes: number): Promise<RawImage> {
  if (bytes.length === 0) throw new Anime2dError("DECODE_FAILED", "The input is empty (0 bytes).");
  checkBytes(bytes.length, maxBytes);
  // Only the listed formats reach a decoder: SVG, PDF and the like are attack surface we don't need.
  const format = requireAcceptedFormat(bytes);
  let image: RawImage;
  try {
    image = await platform.codec.decode(bytes, { maxPixels, format });
  } catch (error) {
    throw asAnime2dError(error, "DECODE_FAILED", `Could not decode the input image (${bytes.length} bytes)`);
  }
  assertValidRawImage(image);
  return image;
}
