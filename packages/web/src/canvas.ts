import { Anime2dError, type RawImage } from "@anime2d/core";

/** A 2D canvas of either kind: OffscreenCanvas where it exists (workers too), else a DOM canvas. */
export type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;
type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Creates a canvas of the given size. */
export function createCanvas(width: number, height: number): AnyCanvas {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  if (typeof document !== "undefined") {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }
  throw new Anime2dError("UNSUPPORTED", "No canvas is available here (neither OffscreenCanvas nor document).");
}

/** The canvas's 2D context; `willReadFrequently` keeps it on the CPU for getImageData. */
export function context2d(canvas: AnyCanvas): Context2D {
  const ctx = canvas.getContext("2d", { willReadFrequently: true }) as Context2D | null;
  if (!ctx) throw new Anime2dError("UNSUPPORTED", "Could not get a 2D context from a canvas.");
  return ctx;
}

/**
 * Reads RGBA pixels off anything drawable. Fully opaque images come back as RGB, so the
 * browser's result has the same channels as Node's for the same photo.
 */
export function drawToRawImage(source: CanvasImageSource, width: number, height: number): RawImage {
  if (!(width > 0 && height > 0)) throw new Anime2dError("INVALID_INPUT", `The image has no pixels (${width}×${height}); is it loaded?`);
  const ctx = context2d(createCanvas(width, height));
  ctx.drawImage(source, 0, 0, width, height);
  return imageDataToRawImage(ctx.getImageData(0, 0, width, height));
}

/** Converts ImageData (always RGBA) to a RawImage, dropping an all-opaque alpha plane. */
export function imageDataToRawImage(image: ImageData): RawImage {
  const { data, width, height } = image;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) return { data: new Uint8ClampedArray(data), width, height, channels: 4 };
  }
  const rgb = new Uint8ClampedArray(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 3, j += 4) {
    rgb[i] = data[j];
    rgb[i + 1] = data[j + 1];
    rgb[i + 2] = data[j + 2];
  }
  return { data: rgb, width, height, channels: 3 };
}

/** Packs a RawImage into RGBA ImageData. */
export function rawImageToImageData(image: RawImage): ImageData {
  const { width, height, channels, data } = image;
  if (channels === 4) return new ImageData(new Uint8ClampedArray(data), width, height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; j < rgba.length; i += 3, j += 4) {
    rgba[j] = data[i];
    rgba[j + 1] = data[i + 1];
    rgba[j + 2] = data[i + 2];
    rgba[j + 3] = 255;
  }
  return new ImageData(rgba, width, height);
}

/** Paints a RawImage onto a new (or the given) canvas, resizing it to the image. */
export function rawImageToCanvas<C extends AnyCanvas>(image: RawImage, canvas?: C): C {
  const target = (canvas ?? createCanvas(image.width, image.height)) as C;
  target.width = image.width;
  target.height = image.height;
  context2d(target).putImageData(rawImageToImageData(image), 0, 0);
  return target;
}

/** Encodes a canvas to a Blob of the given MIME type. */
export async function canvasToBlob(canvas: AnyCanvas, type: string, quality?: number): Promise<Blob> {
  const blob =
    "convertToBlob" in canvas
      ? await canvas.convertToBlob({ type, quality })
      : await new Promise<Blob | null>((resolve) => (canvas as HTMLCanvasElement).toBlob(resolve, type, quality));
  if (!blob) throw new Anime2dError("ENCODE_FAILED", `The canvas could not encode ${type}.`);
  // Browsers silently fall back to PNG for types they cannot write.
  if (blob.type !== type) throw new Anime2dError("ENCODE_FAILED", `This browser cannot encode ${type} (it produced ${blob.type || "nothing"}).`);
  return blob;
}
