import sharp, { type Sharp } from "sharp";
import { fileURLToPath } from "node:url";
import type { RgbImage } from "@anime2d/core";

/** Path of a shared test photo (see ../shared/photos/README.md). */
export const photo = (name: string) => fileURLToPath(new URL(`../../../shared/photos/${name}`, import.meta.url));

/** Decodes an image (path, bytes or a sharp pipeline) to packed 8-bit RGB. */
export async function rgb(input: string | Sharp): Promise<RgbImage & { channels: 3 }> {
  const pipeline = typeof input === "string" ? sharp(input) : input;
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

/** Inter-ocular distance of five landmarks. */
export const eyeDistance = (l: readonly (readonly number[])[]) => Math.hypot(l[1][0] - l[0][0], l[1][1] - l[0][1]);
