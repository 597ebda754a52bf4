import type { FastifyRequest } from "fastify";
import sharp from "sharp";
import { Anime2dError } from "../index.js";
import { checkInputFormat } from "./formats.js";
import type { ServeConfig } from "./options.js";

/** The images and option fields of one request. */
export interface Upload {
  images: Uint8Array[];
  fields: Record<string, string>;
}

/**
 * Reads a request's images (multipart files, or the raw body as one image) and its options
 * (multipart fields over the query string), and checks each image's type and pixel count from
 * its header, so nothing bad is ever queued.
 */
export async function readUpload(request: FastifyRequest, config: ServeConfig, maxImages: number): Promise<Upload> {
  const fields: Record<string, string> = { ...(request.query as Record<string, string>) };
  const images: Uint8Array[] = [];
  if (request.isMultipart()) {
    let total = 0;
    const parts = request.parts({ limits: { fileSize: config.maxBodyBytes, files: maxImages, fields: 16, fieldSize: 1024, parts: maxImages + 16 } });
    for await (const part of parts) {
      if (part.type === "field") {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      const bytes = await part.toBuffer();
      total += bytes.length;
      if (total > config.maxBodyBytes) throw tooLarge(config);
      images.push(bytes);
    }
  } else if (Buffer.isBuffer(request.body)) {
    images.push(request.body);
  }
  if (images.length === 0) throw new Anime2dError("INVALID_INPUT", "No image in the request: send multipart/form-data with a file, or the image as the body.");
  for (const bytes of images) await checkImage(bytes, config);
  return { images, fields };
}

async function checkImage(bytes: Uint8Array, config: ServeConfig): Promise<void> {
  checkInputFormat(bytes, config.formats);
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new Anime2dError("DECODE_FAILED", `The image header cannot be read: ${(error as Error).message}`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!(pixels > 0)) throw new Anime2dError("DECODE_FAILED", "The image header has no size.");
  if (pixels > config.maxInputPixels) {
    throw new Anime2dError("INPUT_TOO_LARGE", `The image is ${meta.width}×${meta.height}; this server accepts at most ${(config.maxInputPixels / 1e6).toFixed(1)} MP.`);
  }
}

function tooLarge(config: ServeConfig): Anime2dError {
  return new Anime2dError("INPUT_TOO_LARGE", `The upload is over this server's limit of ${config.maxBodyBytes} bytes.`);
}
