import { Anime2dError, asAnime2dError, throwIfAborted } from "./errors.js";
import { assertValidRawImage, isNdarrayLike, isRawImage, ndarrayToRawImage, type NdarrayLike, type RawImage } from "./image.js";
import type { Platform } from "./platform.js";

/**
 * What `stylize()` accepts. Every platform takes encoded bytes, a {@link RawImage} and an
 * ndarray `[h, w, 3|4]`; Node adds file paths, the browser adds Blobs, canvases, URLs….
 */
export type ImageInput = Uint8Array | ArrayBuffer | RawImage | NdarrayLike | string | object;

/**
 * Turns any accepted input into 8-bit pixels, refusing images over `maxPixels` before their
 * pixels are decoded.
 */
export async function loadImage(platform: Platform, input: ImageInput, options: { maxPixels: number; signal?: AbortSignal }): Promise<RawImage> {
  if (input == null) throw new Anime2dError("INVALID_INPUT", "No input image was given.");
  const loaded = isRawImage(input) || isNdarrayLike(input) || isBytes(input) ? input : await platformInput(platform, input, options.signal);
  throwIfAborted(options.signal);
  if (isBytes(loaded)) return decode(platform, toBytes(loaded), options.maxPixels);
  // An ndarray is copied into a packed buffer: check its shape before allocating that copy.
  if (isNdarrayLike(loaded) && loaded.shape.length === 3) checkPixels(loaded.shape[1], loaded.shape[0], options.maxPixels);
  const image = isNdarrayLike(loaded) ? ndarrayToRawImage(loaded as NdarrayLike) : (loaded as RawImage);
  assertValidRawImage(image);
  checkPixels(image.width, image.height, options.maxPixels);
  return image;
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

async function platformInput(platform: Platform, input: unknown, signal?: AbortSignal): Promise<Uint8Array | RawImage> {
  const loaded = await platform.loadInput?.(input, signal);
  if (loaded === undefined) {
    const kind = typeof input === "object" ? (input as object).constructor?.name ?? "object" : typeof input;
    throw new Anime2dError("INVALID_INPUT", `Unsupported input (${kind}) on ${platform.name}.`);
  }
  return loaded;
}

async function decode(platform: Platform, bytes: Uint8Array, maxPixels: number): Promise<RawImage> {
  if (bytes.length === 0) throw new Anime2dError("DECODE_FAILED", "The input is empty (0 bytes).");
  let image: RawImage;
  try {
    image = await platform.codec.decode(bytes, { maxPixels });
  } catch (error) {
    throw asAnime2dError(error, "DECODE_FAILED", `Could not decode the input image (${bytes.length} bytes)`);
  }
  assertValidRawImage(image);
  return image;
}
