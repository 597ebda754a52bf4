import { readFileSync } from "node:fs";
import sharp from "sharp";
import ndarray from "ndarray";
import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, toNdarray, type ProgressEvent } from "@anime2d/node";
import { meanAbsDiff, readRgb } from "../fixtures/images.js";
import { photo } from "../fixtures/paths.js";

const stylizer = createStylizer({ style: "cute" }); // the fastest real model keeps this file quick
afterAll(() => stylizer.dispose());

describe("strength", () => {
  it("0 returns the input and 0.5 is the midpoint of input and full style", async () => {
    const input = await readRgb(photo("china.jpg"));
    const none = await stylizer.stylize(input, { strength: 0 });
    expect(Buffer.from(none.data).equals(Buffer.from(input.data))).toBe(true);

    const full = await stylizer.stylize(input, { strength: 1 });
    const half = await stylizer.stylize(input, { strength: 0.5 });
    let worst = 0;
    for (let i = 0; i < input.data.length; i++) worst = Math.max(worst, Math.abs(half.data[i] - (input.data[i] + full.data[i]) / 2));
    expect(worst).toBeLessThanOrEqual(0.5);
    expect(meanAbsDiff(half.data, input.data)).toBeGreaterThan(2);
  });
});

describe("inputs and outputs", () => {
  it("accepts a path, a Buffer, a RawImage and a strided ndarray with the same result", async () => {
    const raw = await readRgb(photo("china.jpg"));
    const fromPath = await stylizer.stylize(photo("china.jpg"));
    const fromBuffer = await stylizer.stylize(readFileSync(photo("china.jpg")));
    const fromRaw = await stylizer.stylize(raw);
    // A transposed view: shape [w, h, 3] transposed back to [h, w, 3] with non-packed strides.
    const transposed = ndarray(new Uint8Array(raw.data.length), [raw.width, raw.height, 3]);
    for (let y = 0; y < raw.height; y++)
      for (let x = 0; x < raw.width; x++)
        for (let c = 0; c < 3; c++) transposed.set(x, y, c, raw.data[(y * raw.width + x) * 3 + c]);
    const fromNdarray = await stylizer.stylize(transposed.transpose(1, 0, 2));
    for (const other of [fromBuffer, fromRaw, fromNdarray]) expect(Buffer.from(other.data).equals(Buffer.from(fromPath.data))).toBe(true);

    const view = toNdarray(fromPath);
    expect(view.shape).toEqual([427, 640, 3]);
    expect(view.get(10, 20, 2)).toBe(fromPath.data[(10 * 640 + 20) * 3 + 2]);
  });

  // Strength 0 returns the decoded input untouched: the pixels the pipeline would stylize.
  const decoded = (bytes: Uint8Array) => stylizer.stylize(bytes, { strength: 0 });

  it("decodes AVIF, TIFF, WebP, GIF (first frame) and CMYK JPEG to the picture's RGB pixels", async () => {
    const base = sharp(photo("china.jpg")).resize(48, 32);
    const picture = new Uint8Array(await base.clone().raw().toBuffer());
    // Mean error each encoding may add: none for LZW TIFF, 1.6–3.2 measured for AVIF, WebP and
    // the GIF palette, 8.3 for the round trip through CMYK; a wrong channel order, colour
    // space or frame costs tens of levels.
    const encoded = [
      ["AVIF", await base.clone().avif({ quality: 90 }).toBuffer(), 4],
      ["TIFF", await base.clone().tiff({ compression: "lzw" }).toBuffer(), 0],
      ["WebP", await base.clone().webp({ quality: 95 }).toBuffer(), 5],
      ["GIF", await base.clone().gif().toBuffer(), 4],
      ["CMYK JPEG", await base.clone().toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer(), 12],
    ] as const;
    expect((await sharp(encoded[4][1]).metadata()).space).toBe("cmyk");
    for (const [name, bytes, loss] of encoded) {
      const out = await decoded(bytes);
      expect([out.width, out.height, out.channels], name).toEqual([48, 32, 3]);
      console.info(`${name}: mean difference from the picture ${meanAbsDiff(out.data, picture).toFixed(2)}`);
      expect(meanAbsDiff(out.data, picture), name).toBeLessThanOrEqual(loss);
    }
    // Two stacked frames: only the first one (32 rows) is used.
    const second = await sharp(photo("coffee.png")).resize(48, 32).gif().toBuffer();
    const frames = await sharp([encoded[3][1], second], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(frames).metadata()).pages).toBe(2);
    const first = await decoded(frames);
    expect([first.width, first.height]).toEqual([48, 32]);
    const rgb = first.data.filter((_, i) => i % first.channels < 3);
    expect(meanAbsDiff(rgb, picture)).toBeLessThanOrEqual(4);
  });

  it("keeps alpha and re-attaches it to the output", async () => {
    const rgba = await sharp(photo("coffee.png")).resize(96, 64).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 3; i < rgba.data.length; i += 4) rgba.data[i] = (i >> 2) % 96 < 48 ? 255 : 40;
    const out = await stylizer.stylize({ data: rgba.data, width: 96, height: 64, channels: 4 });
    expect(out.channels).toBe(4);
    for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(rgba.data[i]);
    const png = await sharp(await out.toBuffer("png")).metadata();
    expect([png.width, png.height, png.channels]).toEqual([96, 64, 4]);
  });

  it("applies EXIF orientation before stylizing", async () => {
    const upright = await sharp(photo("china.jpg")).resize(64, 48).jpeg().toBuffer();
    const rotated = await sharp(upright).rotate(90).withMetadata({ orientation: 8 }).jpeg().toBuffer(); // stored rotated, EXIF undoes it
    const out = await stylizer.stylize(rotated);
    expect([out.width, out.height]).toEqual([64, 48]);
  });

  it("reads greyscale and 16-bit images as 8-bit RGB with the same pixels", async () => {
    const base = sharp(photo("china.jpg")).resize(40, 30);
    const picture = new Uint8Array(await base.clone().raw().toBuffer());
    const greyPicture = new Uint8Array(await base.clone().greyscale().raw().toBuffer());
    const grey = await decoded(await base.clone().greyscale().png().toBuffer());
    expect([grey.width, grey.height, grey.channels]).toEqual([40, 30, 3]);
    for (let i = 0; i < greyPicture.length; i++) {
      expect([grey.data[i * 3], grey.data[i * 3 + 1], grey.data[i * 3 + 2]]).toEqual([greyPicture[i], greyPicture[i], greyPicture[i]]);
    }
    const deep = await decoded(await base.clone().toColourspace("rgb16").png().toBuffer());
    expect([deep.width, deep.height, deep.channels]).toEqual([40, 30, 3]);
    let worst = 0;
    for (let i = 0; i < picture.length; i++) worst = Math.max(worst, Math.abs(deep.data[i] - picture[i]));
    expect(worst).toBeLessThanOrEqual(1); // 8 → 16 → 8 bits may round by one level
  });

  it("encodes PNG, JPEG and WebP and writes files by extension", async () => {
    const out = await stylizer.stylize(photo("china.jpg"));
    for (const [format, magic] of [["png", "png"], ["jpeg", "jpeg"], ["webp", "webp"]] as const) {
      const meta = await sharp(await out.toBuffer(format)).metadata();
      expect(meta.format).toBe(magic);
      expect([meta.width, meta.height]).toEqual([640, 427]);
    }
    await expect(out.toFile("x.gif")).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });

  it("reports progress by stage", async () => {
    const stages: ProgressEvent["stage"][] = [];
    await stylizer.stylize(photo("china.jpg"), { onProgress: (e) => stages.push(e.stage) });
    expect(stages[0]).toBe("decode");
    expect(stages).toContain("inference");
    expect(stages.at(-1)).toBe("done");
  });
});
