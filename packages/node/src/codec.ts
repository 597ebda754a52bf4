import { Anime2dError, checkPixels, checkPlausibleSize, type ImageCodec, type InputFormat, type RawImage } from "@anime2d/core";
import { loadSharp } from "./runtime.js";

/** What sharp's `metadata().format` says for each accepted format. */
const SHARP_FORMATS: Record<InputFormat, string[]> = {
  jpeg: ["jpeg"], png: ["png"], webp: ["webp"], avif: ["heif", "avif"], tiff: ["tiff"], gif: ["gif"],
};

/**
 * libvips warnings seen in real, intact photos (stray bytes between JPEG markers, old JFIF
 * versions, odd scan parameters, mislabelled ICC profiles). Every other warning means corrupt
 * or missing data, which JPEG, GIF and TIFF decoders would otherwise paper over with grey.
 */
const HARMLESS = /extraneous bytes before marker|unknown JFIF revision|Invalid SOS parameters|iCCP|sRGB profile|ICC profile|known incorrect/i;

/**
 * sharp as the codec: JPEG, PNG, WebP, AVIF, TIFF, GIF (first frame). EXIF orientation is
 * applied, CMYK/16-bit/greyscale become 8-bit sRGB, and alpha is kept.
 */
export const sharpCodec: ImageCodec = {
  async decode(bytes, { maxPixels, format }) {
    const sharp = await loadSharp();
    // Read the header first so a decompression bomb fails before any pixel buffer exists.
    // No pixel limit here: metadata() only reads the header, and sharp's own limit would turn
    // a bomb into an untyped "exceeds pixel limit" error instead of INPUT_TOO_LARGE.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) throw new Anime2dError("DECODE_FAILED", "The image header has no size.");
    if (format && !SHARP_FORMATS[format].includes(meta.format ?? "")) {
      throw new Anime2dError("DECODE_FAILED", `The data starts like ${format.toUpperCase()} but decodes as ${meta.format}.`);
    }
    checkPixels(meta.width, meta.height, maxPixels);
    if (format) checkPlausibleSize(format, meta.width, meta.height, bytes.length);
    const { data, info } = await decodePixels(bytes, maxPixels);
    if (info.channels === 3 || info.channels === 4) {
      return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
    }
    throw new Anime2dError("DECODE_FAILED", `Decoded image has ${info.channels} channels; expected 3 or 4.`);
  },

  async encode(image: RawImage, format, options = {}) {
    const sharp = await loadSharp();
    const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    const encoded =
      format === "jpeg" ? pipeline.jpeg({ quality: options.quality ?? 92, chromaSubsampling: "4:4:4" })
      : format === "webp" ? pipeline.webp({ quality: options.quality ?? 92 })
      : pipeline.png({ compressionLevel: 6 });
    const buffer = await encoded.toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  },
};

/**
 * Decodes with `failOn: "warning"`, which stops libvips at the first warning: a truncated or
 * corrupt file fails in milliseconds instead of being filled out to its declared size. Files
 * whose only warnings are known to be harmless are decoded again, tolerating warnings.
 */
async function decodePixels(bytes: Uint8Array, maxPixels: number) {
  const sharp = await loadSharp();
  const limitInputPixels = Number.isFinite(maxPixels) ? Math.floor(maxPixels) : false;
  const run = (failOn: "warning" | "error") =>
    sharp(bytes, { failOn, limitInputPixels, pages: 1 }).autoOrient().toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  try {
    return await run("warning");
  } catch (error) {
    const message = (error as Error).message ?? "";
    if (HARMLESS.test(message)) return run("error");
    throw new Anime2dError("DECODE_FAILED", `The image data is truncated or corrupt: ${firstLine(message)}`, { cause: error });
  }
}

const firstLine = (text: string) => text.split("\n")[0];
