import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, stylize, Anime2dError, type Anime2dErrorCode } from "@anime2d/node";
import { MODEL_DIR, photo } from "../fixtures/paths.js";

const tmp = mkdtempSync(join(tmpdir(), "anime2d-errors-"));
const stylizer = createStylizer();
afterAll(() => stylizer.dispose());

async function failsWith(promise: Promise<unknown>, code: Anime2dErrorCode, message?: RegExp): Promise<Anime2dError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Anime2dError);
  expect((error as Anime2dError).code).toBe(code);
  if (message) expect((error as Anime2dError).message).toMatch(message);
  return error as Anime2dError;
}

describe("bad inputs give typed errors", () => {
  it("empty buffer", () => failsWith(stylizer.stylize(new Uint8Array(0)), "DECODE_FAILED", /empty/));

  it("random bytes", async () => {
    const noise = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    await failsWith(stylizer.stylize(noise), "UNSUPPORTED");
  });

  it("truncated JPEG", async () => {
    const jpeg = readFileSync(photo("china.jpg"));
    await failsWith(stylizer.stylize(jpeg.subarray(0, Math.floor(jpeg.length / 2))), "DECODE_FAILED");
  });

  it("missing input file", () => failsWith(stylizer.stylize(join(tmp, "nope.jpg")), "INVALID_INPUT", /nope\.jpg/));

  it("unsupported input types", async () => {
    await failsWith(stylizer.stylize(42 as never), "INVALID_INPUT");
    await failsWith(stylizer.stylize(null as never), "INVALID_INPUT");
    await failsWith(stylizer.stylize({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 }), "INVALID_INPUT", /needs 12/);
  });

  it("unknown style", () => failsWith(stylizer.stylize(photo("china.jpg"), { style: "ghibli" as never }), "UNKNOWN_STYLE", /hayao/));

  it("bad strength", () => failsWith(stylizer.stylize(photo("china.jpg"), { strength: 2 }), "INVALID_OPTION"));

  it("input over the pixel budget is refused from the header", () =>
    failsWith(stylizer.stylize(photo("china.jpg"), { maxInputPixels: 1000 }), "INPUT_TOO_LARGE", /640×427/));

  it("missing model file", async () => {
    const empty = mkdtempSync(join(tmp, "models-"));
    await failsWith(stylize(photo("china.jpg"), { modelDir: empty }), "MODEL_NOT_FOUND", /animeganv3-hayao\.onnx/);
  });

  it("model file with the wrong sha256", async () => {
    const dir = mkdtempSync(join(tmp, "models-"));
    const bytes = readFileSync(join(MODEL_DIR, "animeganv3-hayao.onnx"));
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(join(dir, "animeganv3-hayao.onnx"), bytes);
    await failsWith(stylize(photo("china.jpg"), { modelDir: dir }), "MODEL_INTEGRITY", /SHA-256/);
  });

  it("another model's file under a style's name", async () => {
    const dir = mkdtempSync(join(tmp, "models-"));
    copyFileSync(join(MODEL_DIR, "animeganv3-shinkai.onnx"), join(dir, "animeganv3-hayao.onnx"));
    await failsWith(stylize(photo("china.jpg"), { modelDir: dir }), "MODEL_INTEGRITY");
  });

  it("an HTML page saved as the model", async () => {
    const dir = mkdtempSync(join(tmp, "models-"));
    writeFileSync(join(dir, "animeganv3-hayao.onnx"), "<!doctype html><html><body>Not found</body></html>");
    await failsWith(stylize(photo("china.jpg"), { modelDir: dir }), "MODEL_INTEGRITY", /HTML/);
  });

  it("a truncated model file", async () => {
    const dir = mkdtempSync(join(tmp, "models-"));
    writeFileSync(join(dir, "animeganv3-hayao.onnx"), readFileSync(join(MODEL_DIR, "animeganv3-hayao.onnx")).subarray(0, 100_000));
    await failsWith(stylize(photo("china.jpg"), { modelDir: dir }), "MODEL_INTEGRITY", /truncated/);
  });

  it("aborted before and during work", async () => {
    const controller = new AbortController();
    controller.abort();
    await failsWith(stylizer.stylize(photo("china.jpg"), { signal: controller.signal }), "ABORTED");
    const late = new AbortController();
    const run = stylizer.stylize(photo("china.jpg"), { signal: late.signal, onProgress: (e) => e.stage === "inference" && late.abort() });
    await failsWith(run, "ABORTED");
  });

  it("a failure leaves the stylizer usable", async () => {
    await failsWith(stylizer.stylize(new Uint8Array([1, 2, 3])), "UNSUPPORTED");
    const tiny = await sharp({ create: { width: 20, height: 12, channels: 3, background: "#c08040" } }).png().toBuffer();
    const out = await stylizer.stylize(tiny);
    expect([out.width, out.height]).toEqual([20, 12]);
  });
});
