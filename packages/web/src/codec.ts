import { ACCEPTED_FORMATS, Anime2dError, checkPixels, checkPlausibleSize, type ImageCodec, type ImageFormat } from "@anime2d/core";
import { canvasToBlob, drawToRawImage, rawImageToCanvas } from "./canvas.js";
import { readImageHeader } from "./image-header.js";

/** MIME type of each output format. */
export const MIME_TYPES: Record<ImageFormat, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

/**
 * The browser codec: the browser's own decoders through `createImageBitmap` (EXIF orientation
 * applied) and canvas encoding. Works on the main thread and in workers.
 */
export const canvasCodec: ImageCodec = {
  async decode(bytes, { maxPixels, format }) {
    const header = readImageHeader(bytes);
    if (header) checkPixels(header.width, header.height, maxPixels);
    if (header && format) checkPlausibleSize(format, header.width, header.height, bytes.length);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { imageOrientation: "from-image", premultiplyAlpha: "none" });
    } catch (error) {
      throw new Anime2dError("DECODE_FAILED", `The browser could not decode the image (${bytes.length} bytes; anime2d reads ${ACCEPTED_FORMATS} where the browser can).`, { cause: error });
    }
    try {
      checkPixels(bitmap.width, bitmap.height, maxPixels);
      return drawToRawImage(bitmap, bitmap.width, bitmap.height);
    } finally {
      bitmap.close();
    }
  },

  async encode(image, format, options = {}) {
    const quality = options.quality === undefined ? 0.92 : options.quality / 100;
    const blob = await canvasToBlob(rawImageToCanvas(image), MIME_TYPES[format], format === "png" ? undefined : quality);
    return new Uint8Array(await blob.arrayBuffer());
  },
};
