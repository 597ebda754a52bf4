import sharp from "sharp";
import type { AnimeImage } from "../index.js";

/**
 * Writes the photo and its result side by side in one image (the photo scaled to the
 * result's height), as the AnimeGANv3 and animegan2-pytorch tools do.
 */
export async function writeComparison(input: string, result: AnimeImage, target: string): Promise<void> {
  const { width, height, channels } = result;
  const photo = await sharp(input).autoOrient().resize({ height }).png().toBuffer({ resolveWithObject: true });
  const left = photo.info.width;
  const canvas = sharp({ create: { width: left + width, height, channels, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([
      { input: photo.data, left: 0, top: 0 },
      { input: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.length), raw: { width, height, channels }, left, top: 0 },
    ]);
  // Compositing adds an alpha channel; an RGB result gives an RGB comparison.
  await (channels === 3 ? sharp(await canvas.png().toBuffer()).removeAlpha() : canvas).toFile(target);
}
