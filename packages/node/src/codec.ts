import { Anime2dError, checkPixels, type ImageCodec, type RawImage } from "@anime2d/core";
import { loadSharp } from "./runtime.js";

/**
 * sharp as the codec: JPEG, PNG, WebP, AVIF, TIFF, GIF (first frame). EXIF orientation is
 * applied, CMYK/16-bit/greyscale become 8-bit sRGB, and alpha is kept.
 */
export const sharpCodec: ImageCodec = {
  async decode(bytes, { maxPixels }) {
    const sharp = await loadSharp();
    // Read the header first so a decompression bomb fails before any pixel buffer exists.
    // No pixel limit here: metadata() only reads the header, and sharp's own limit would turn
    // a bomb into an untyped "exceeds pixel limit" error instead of INPUT_TOO_LARGE.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) throw new Anime2dError("DECODE_FAILED", "The image header has no size.");
    checkPixels(meta.width, meta.height, maxPixels);
    const { data, info } = await sharp(bytes, { failOn: "truncated", limitInputPixels: Number.isFinite(maxPixels) ? Math.floor(maxPixels) : false, pages: 1 })
      .autoOrient()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
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
