import { Anime2dError, checkBytes, env, readBody, throwIfAborted, type RawImage } from "@anime2d/core";
import { drawToRawImage, imageDataToRawImage } from "./canvas.js";
import { absoluteUrl } from "./io.js";

/** What the browser adapter accepts beyond the core's bytes, RawImage and ndarray. */
export type BrowserImageInput = Blob | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | ImageData | string;

const has = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === "function";
const isA = <T>(value: unknown, name: string): value is T => has(name) && value instanceof ((globalThis as Record<string, unknown>)[name] as new () => T);

/**
 * Turns a browser input into encoded bytes (Blob, URL) or pixels (elements, canvases, bitmaps,
 * ImageData); undefined for anything else, which the core reports as `INVALID_INPUT`.
 */
export async function loadBrowserInput(input: unknown, signal?: AbortSignal, limits?: { maxBytes: number }): Promise<Uint8Array | RawImage | undefined> {
  const maxBytes = limits?.maxBytes ?? env.maxInputBytes;
  if (isA<Blob>(input, "Blob")) {
    // A Blob knows its size: a 4 GB file is refused before the page tries to hold it.
    checkBytes(input.size, maxBytes);
    return new Uint8Array(await input.arrayBuffer());
  }
  if (typeof input === "string") return fetchImage(input, maxBytes, signal);
  if (isA<ImageData>(input, "ImageData")) return imageDataToRawImage(input);
  if (isA<HTMLImageElement>(input, "HTMLImageElement")) return readImageElement(input);
  if (isA<ImageBitmap>(input, "ImageBitmap")) return readPixels(input, input.width, input.height);
  if (isA<HTMLCanvasElement>(input, "HTMLCanvasElement") || isA<OffscreenCanvas>(input, "OffscreenCanvas")) {
    return readPixels(input, input.width, input.height);
  }
  return undefined;
}

async function fetchImage(url: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  if (url.length === 0) throw new Anime2dError("INVALID_INPUT", "The input URL is empty.");
  let response: Response;
  try {
    response = await fetch(absoluteUrl(url), { signal });
  } catch (error) {
    throwIfAborted(signal);
    throw new Anime2dError("INVALID_INPUT", `Could not fetch the input image ${url}: ${(error as Error).message} (is it cross-origin without CORS?)`, { cause: error });
  }
  if (!response.ok) throw new Anime2dError("INVALID_INPUT", `Fetching the input image ${url} answered ${response.status} ${response.statusText}.`);
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared)) checkBytes(declared, maxBytes);
  // A missing or false Content-Length, or a body that never ends, stops at the limit.
  return readBody(response, (loaded) => checkBytes(loaded, maxBytes));
}

async function readImageElement(image: HTMLImageElement): Promise<RawImage> {
  if (!image.complete || image.naturalWidth === 0) {
    try {
      await image.decode();
    } catch (error) {
      throw new Anime2dError("DECODE_FAILED", `The <img> (${image.currentSrc || image.src || "no src"}) could not be loaded or decoded.`, { cause: error });
    }
  }
  return readPixels(image, image.naturalWidth, image.naturalHeight);
}

function readPixels(source: CanvasImageSource, width: number, height: number): RawImage {
  try {
    return drawToRawImage(source, width, height);
  } catch (error) {
    if ((error as Error).name === "SecurityError") {
      throw new Anime2dError("INVALID_INPUT", "The image is cross-origin without CORS, so its pixels cannot be read (serve it with CORS and set crossOrigin=\"anonymous\").", { cause: error });
    }
    throw error;
  }
}
