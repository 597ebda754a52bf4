import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, nodePlatform, type Anime2dErrorCode } from "@anime2d/node";
import { loadImage, sniffFormat, type InputFormat } from "@anime2d/core";
import { cut, forgedJpeg, GIF_TRAILER, JPEG_EOI, NOT_ACCEPTED, photoBytes, photoIn, truncatedTiff } from "./attacks.js";

const limits = { maxPixels: 100_000_000 };
const decode = (bytes: Uint8Array) => loadImage(nodePlatform, bytes, limits);
const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: { code?: string; message?: string }) => e.code ?? `untyped: ${e.message}`);

/** Runs `work`, returning its error code and how long it took. */
async function timed(work: Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = performance.now();
  const code = await codeOf(work);
  return { code, ms: performance.now() - started };
}

const FORMATS: InputFormat[] = ["jpeg", "png", "webp", "avif", "tiff", "gif"];

describe("accepted formats, by magic bytes", () => {
  it.each(FORMATS)("%s is recognised and decodes", async (format) => {
    const bytes = await photoIn(format);
    expect(sniffFormat(bytes)).toBe(format);
    const image = await decode(bytes);
    expect(image.width).toBe(320);
    expect(image.height).toBe(214);
  });

  it("every shared photo decodes (failOn warning must not refuse real photos)", async () => {
    for (const name of ["china.jpg", "laos.jpg", "rocket.jpg", "model_face.jpg", "woman_portrait.jpg", "city_portrait.jpg", "astronaut.png", "coffee.png"]) {
      const image = await decode(photoBytes(name));
      expect(image.width * image.height, name).toBeGreaterThan(0);
    }
  });

  it("a JPEG with stray bytes before its end marker (a harmless libjpeg warning) still decodes", async () => {
    const jpeg = photoBytes("china.jpg");
    const stray = Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.from([0x12, 0x34, 0x56, 0xff, 0xd9])]);
    const image = await decode(stray);
    expect([image.width, image.height]).toEqual([640, 427]);
  });

  it.each(Object.keys(NOT_ACCEPTED))("%s is UNSUPPORTED before any decoder runs", async (name) => {
    const { code, ms } = await timed(decode(NOT_ACCEPTED[name]));
    expect(code).toBe("UNSUPPORTED");
    expect(ms).toBeLessThan(2000);
  });

  it("an SVG declaring 10000×9999 is refused by stylize() with a message naming the accepted formats", async () => {
    const stylizer = createStylizer({ style: "cute" });
    try {
      await expect(stylizer.stylize(NOT_ACCEPTED.svg)).rejects.toMatchObject({ code: "UNSUPPORTED", message: expect.stringMatching(/SVG.*JPEG, PNG, WebP, AVIF, TIFF and GIF/) });
    } finally {
      await stylizer.dispose();
    }
  });
});

describe("data that ends before the image does is DECODE_FAILED, quickly", () => {
  const cases: [string, () => Promise<Uint8Array>][] = [
    ["JPEG header forged to 10000×9999 (1 KB of data)", () => forgedJpeg()],
    ["JPEG cut at 22 KB with an end marker appended", async () => cut(await photoIn("jpeg", 2000), 0.1, JPEG_EOI)],
    ["progressive JPEG cut with an end marker", async () => cut(Buffer.from(await (await import("sharp")).default(await photoIn("png", 1200)).jpeg({ progressive: true }).toBuffer()), 0.3, JPEG_EOI)],
    ["JPEG cut in half", async () => cut(photoBytes("china.jpg"), 0.5)],
    ["JPEG with flipped bits in its entropy data (bad Huffman code)", async () => {
      const jpeg = Buffer.from(photoBytes("china.jpg"));
      for (let i = 0; i < 40; i++) jpeg[2000 + i * 97] ^= 0x5a;
      return jpeg;
    }],
    ["GIF cut with its trailer appended", async () => cut(await photoIn("gif", 400), 0.3, GIF_TRAILER)],
    ["GIF cut", async () => cut(await photoIn("gif", 400), 0.5)],
    ["TIFF declaring 10000×9999 with 20 KB of strip data", async () => truncatedTiff(10000, 9999, 20_000)],
    ["TIFF declaring 2000×2000 with half its strip data", async () => truncatedTiff(2000, 2000, 6_000_000)],
    ["PNG cut", async () => cut(await photoIn("png", 800), 0.6)],
    ["WebP cut", async () => cut(await photoIn("webp", 800), 0.6)],
    ["AVIF cut", async () => cut(await photoIn("avif", 400), 0.6)],
    ["TIFF (LZW, written by libvips) cut", async () => cut(await photoIn("tiff", 800), 0.6)],
  ];
  it.each(cases)("%s", async (_name, make) => {
    const bytes = await make();
    const { code, ms } = await timed(decode(bytes));
    expect(code).toBe("DECODE_FAILED");
    // Generous: before the fix the forged JPEG decoded to 300 MB (0.4 s) and then tiled for minutes.
    expect(ms).toBeLessThan(5000);
  });

  it("stylize() refuses the forged JPEG without starting any tile", async () => {
    const stylizer = createStylizer({ style: "cute" });
    const stages: string[] = [];
    try {
      const { code, ms } = await timed(stylizer.stylize(await forgedJpeg(), { onProgress: (e) => stages.push(e.stage) }));
      expect(code).toBe("DECODE_FAILED");
      expect(stages).not.toContain("tile");
      expect(ms).toBeLessThan(10_000);
    } finally {
      await stylizer.dispose();
    }
  });
});

describe("ndarray and RawImage inputs are validated before any read", () => {
  const good = { data: new Uint8Array(4 * 3 * 3), shape: [4, 3, 3], stride: [9, 3, 1], offset: 0 };
  const cases: [string, object, Anime2dErrorCode][] = [
    ["data shorter than the shape", { ...good, data: new Uint8Array(20) }, "INVALID_INPUT"],
    ["offset past the data", { ...good, offset: 30 }, "INVALID_INPUT"],
    ["negative offset", { ...good, offset: -1 }, "INVALID_INPUT"],
    ["negative shape", { ...good, shape: [-4, 3, 3] }, "INVALID_INPUT"],
    ["fractional shape", { ...good, shape: [2.5, 3, 3] }, "INVALID_INPUT"],
    ["two channels", { ...good, shape: [4, 3, 2] }, "INVALID_INPUT"],
    ["fractional stride", { ...good, stride: [9, 3, 0.5] }, "INVALID_INPUT"],
    ["negative stride reaching below 0", { ...good, stride: [-9, 3, 1] }, "INVALID_INPUT"],
    ["float data (0..1 or 0..255?)", { ...good, data: new Float32Array(36).fill(0.5) }, "INVALID_INPUT"],
    ["Int16 data", { ...good, data: new Int16Array(36) }, "INVALID_INPUT"],
    ["plain array with a value over 255", { ...good, data: Array.from({ length: 36 }, (_, i) => (i === 7 ? 300 : 1)) }, "INVALID_INPUT"],
    ["RawImage with a short buffer", { data: new Uint8Array(5), width: 2, height: 2, channels: 3 }, "INVALID_INPUT"],
    ["RawImage with fractional width", { data: new Uint8Array(12), width: 1.5, height: 2, channels: 4 }, "INVALID_INPUT"],
    ["RawImage with 2 channels", { data: new Uint8Array(8), width: 2, height: 2, channels: 2 }, "INVALID_INPUT"],
  ];
  it.each(cases)("%s", async (_name, input, code) => {
    expect(await codeOf(loadImage(nodePlatform, input, limits))).toBe(code);
  });

  it("a valid view with negative strides (a flipped image) reads the right pixels", async () => {
    const data = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    // Rows flipped: row 0 of the view is row 1 of the data.
    const image = await loadImage(nodePlatform, { data, shape: [2, 2, 3], stride: [-6, 3, 1], offset: 6 }, limits);
    expect([...image.data]).toEqual([6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
  });
});

describe("numeric options are validated up front", () => {
  it.each([-1, 0, 1.5, Number.NaN, 100_000, "2"])("threads %s is INVALID_OPTION when the stylizer is created", (threads) => {
    expect(() => createStylizer({ threads: threads as number })).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/threads must be an integer from 1 to \d+/) }));
  });

  it("threads 1 is accepted", async () => {
    await createStylizer({ threads: 1 }).dispose();
  });

  it.each([
    ["maxInputPixels", 0],
    ["maxInputPixels", Number.NaN],
    ["maxInputBytes", -5],
    ["maxInputBytes", "big"],
  ])("%s %s is INVALID_OPTION", async (name, value) => {
    const stylizer = createStylizer({ style: "cute" });
    try {
      expect(await codeOf(stylizer.stylize(photoBytes("china.jpg"), { [name]: value }))).toBe("INVALID_OPTION");
    } finally {
      await stylizer.dispose();
    }
  });

  it("encoded input over maxInputBytes is INPUT_TOO_LARGE", async () => {
    expect(await codeOf(loadImage(nodePlatform, photoBytes("china.jpg"), { ...limits, maxBytes: 1000 }))).toBe("INPUT_TOO_LARGE");
  });
});

afterAll(() => undefined);
