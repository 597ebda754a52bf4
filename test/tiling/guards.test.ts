import { afterAll, describe, expect, it } from "vitest";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { createStylizer, env, isAnime2dError, sharpCodec } from "@anime2d/node";

/** A PNG whose header claims `width × height` RGB pixels but whose data is a few bytes. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, body: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(16))), chunk("IEND", Buffer.alloc(0))]));
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isAnime2dError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

describe("input-size guards", () => {
  const stylizer = createStylizer();
  afterAll(() => stylizer.dispose());

  it("refuses a 100000×100000 PNG from its header, fast and without a big allocation", async () => {
    const bomb = pngHeaderOnly(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    expect(await codeOf(stylizer.stylize(bomb))).toBe("INPUT_TOO_LARGE");
    expect(await codeOf(sharpCodec.decode(bomb, { maxPixels: env.maxInputPixels }))).toBe("INPUT_TOO_LARGE");
    expect(performance.now() - start).toBeLessThan(2000);
    // 10^10 RGB pixels would be 30 GB; anything near a real decode would show here.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 2 ** 20);
  });

  it("applies the 100 MP default and a per-call maxInputPixels", async () => {
    expect(env.maxInputPixels).toBe(100_000_000);
    expect(await codeOf(stylizer.stylize(pngHeaderOnly(10_001, 10_000)))).toBe("INPUT_TOO_LARGE");
    const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#808080" } }).png().toBuffer();
    expect(await codeOf(stylizer.stylize(small, { maxInputPixels: 1000 }))).toBe("INPUT_TOO_LARGE");
  });

  it("checks RawImage and ndarray inputs before copying their pixels", async () => {
    const raw = { data: new Uint8Array(2000 * 1000 * 3), width: 2000, height: 1000, channels: 3 as const };
    expect(await codeOf(stylizer.stylize(raw, { maxInputPixels: 1_000_000 }))).toBe("INPUT_TOO_LARGE");
    // An ndarray view claiming 10^10 pixels over 3 bytes (strides of 0): copying it would need 30 GB.
    const huge = { data: new Uint8Array(3), shape: [100_000, 100_000, 3], stride: [0, 0, 1], offset: 0 };
    expect(await codeOf(stylizer.stylize(huge))).toBe("INPUT_TOO_LARGE");
  });

  it("keeps an EXIF-rotated photo's displayed size and orientation", async () => {
    // Stored 96×48 landscape, EXIF orientation 6 (rotate 90° clockwise): shown 48×96 portrait,
    // with the red band that is stored on the left shown at the top.
    const stored = await sharp({ create: { width: 96, height: 48, channels: 3, background: "#3060a0" } })
      .composite([{ input: { create: { width: 24, height: 48, channels: 3, background: "#ff0000" } }, left: 0, top: 0 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await stylizer.stylize(stored, { strength: 0.5 });
    expect([out.width, out.height]).toEqual([48, 96]);
    const redness = (y: number) => {
      let sum = 0;
      for (let x = 0; x < out.width; x++) sum += out.data[(y * out.width + x) * out.channels] - out.data[(y * out.width + x) * out.channels + 2];
      return sum / out.width;
    };
    expect(redness(5)).toBeGreaterThan(redness(90) + 40);
  });
});
