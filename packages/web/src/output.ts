import { AnimeImage, Anime2dError, type Platform, type RawImage } from "@anime2d/core";
import { canvasToBlob, rawImageToCanvas, rawImageToImageData, type AnyCanvas } from "./canvas.js";
import { MIME_TYPES } from "./codec.js";

/**
 * A result image in the browser: the common `data/width/height/channels`, `toBuffer()`, plus
 * Blob, ImageData and canvas outputs.
 */
export class WebAnimeImage extends AnimeImage {
  /** @internal */
  constructor(image: RawImage, platform: Platform) {
    super(image, platform);
  }

  /**
   * Encodes the image as a Blob, ready for `URL.createObjectURL` or a download link.
   * @param type - MIME type (`"image/png"`, `"image/jpeg"`, `"image/webp"`) or format name; PNG by default.
   * @param quality - JPEG/WebP quality 1..100 (default 92).
   */
  async toBlob(type: string = "image/png", quality?: number): Promise<Blob> {
    const mime = (MIME_TYPES as Record<string, string>)[type] ?? type;
    if (!Object.values(MIME_TYPES).includes(mime)) {
      throw new Anime2dError("INVALID_OPTION", `Unknown output type "${type}"; use image/png, image/jpeg or image/webp.`);
    }
    if (quality !== undefined && !(quality >= 1 && quality <= 100)) {
      throw new Anime2dError("INVALID_OPTION", `quality must be from 1 to 100, got ${quality}.`);
    }
    return canvasToBlob(rawImageToCanvas(this), mime, mime === "image/png" ? undefined : (quality ?? 92) / 100);
  }

  /** The pixels as RGBA ImageData (a copy). */
  toImageData(): ImageData {
    return rawImageToImageData(this);
  }

  /**
   * Paints the image onto `canvas` (resized to fit) or onto a new canvas: an
   * `HTMLCanvasElement` on pages, an `OffscreenCanvas` in workers.
   */
  toCanvas<C extends AnyCanvas = HTMLCanvasElement>(canvas?: C): C {
    if (canvas) return rawImageToCanvas(this, canvas);
    if (typeof document !== "undefined") return rawImageToCanvas(this, document.createElement("canvas")) as C;
    return rawImageToCanvas(this) as C;
  }
}
