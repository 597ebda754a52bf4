import { Anime2dError, asAnime2dError } from "./errors.js";
import type { RawImage } from "./image.js";
import type { EncodeOptions, ImageFormat, Platform } from "./platform.js";

/**
 * A result image: 8-bit pixels the size of the input (twice it with `upscale: 2`), plus ways
 * to encode or save it.
 */
export class AnimeImage implements RawImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;

  /** @internal */
  constructor(image: RawImage, private readonly platform: Platform) {
    this.data = image.data instanceof Uint8ClampedArray ? image.data : new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
    this.width = image.width;
    this.height = image.height;
    this.channels = image.channels;
  }

  /** Encodes the image (`"png"` by default). */
  async toBuffer(format: ImageFormat = "png", options?: EncodeOptions): Promise<Uint8Array> {
    if (!["png", "jpeg", "webp"].includes(format)) {
      throw new Anime2dError("INVALID_OPTION", `Unknown output format "${format}"; use png, jpeg or webp.`);
    }
    try {
      return await this.platform.codec.encode(this, format, options);
    } catch (error) {
      throw asAnime2dError(error, "ENCODE_FAILED", `Encoding the result as ${format} failed`);
    }
  }

  /** Encodes and writes the image; the format follows the extension (.png, .jpg/.jpeg, .webp). */
  async toFile(path: string, options?: EncodeOptions): Promise<void> {
    if (!this.platform.writeFile) throw new Anime2dError("UNSUPPORTED", `toFile() needs a file system; ${this.platform.name} has none.`);
    const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
    const format = ext === "jpg" || ext === "jpeg" ? "jpeg" : ext === "webp" ? "webp" : ext === "png" ? "png" : undefined;
    if (!format) throw new Anime2dError("INVALID_OPTION", `Cannot tell the format of "${path}"; use .png, .jpg, .jpeg or .webp.`);
    const bytes = await this.toBuffer(format, options);
    try {
      await this.platform.writeFile(path, bytes);
    } catch (error) {
      throw asAnime2dError(error, "ENCODE_FAILED", `Writing ${path} failed`);
    }
  }

  /** A plain {@link RawImage} view of the pixels. */
  toRawImage(): RawImage {
    return { data: this.data, width: this.width, height: this.height, channels: this.channels };
  }
}
