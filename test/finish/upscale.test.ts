import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, upscale, isAnime2dError, listUpscalers, type ProgressEvent, type RawImage } from "@anime2d/node";
import { areaAverage2x, crop, meanAbsDiff, MODEL_DIR, psnr, readRgb } from "./helpers.js";

// MODELS.md, "2× super-resolution": photo round trip (512² → 2×2 area average → 2× → PSNR).
const MODELS_MD_PSNR: Record<string, number> = {
  waifu2x: 33.4,
  "waifu2x-cunet": 33.9,
  realcugan: 30.04,
  realesrgan: 28.2,
  lanczos: 30.8,
};
const options = { modelDir: MODEL_DIR, threads: 2 };

describe("2× upscale", () => {
  it("lists the four registered models and the core Lanczos", () => {
    expect(listUpscalers()).toEqual(["waifu2x", "waifu2x-cunet", "realcugan", "realesrgan", "lanczos"]);
  });

  it.each(Object.entries(MODELS_MD_PSNR))("%s reproduces MODELS.md's round-trip PSNR on astronaut.png within 0.1 dB", async (upscaler, expected) => {
    const original = await readRgb("astronaut.png");
    const out = await upscale(areaAverage2x(original), { ...options, upscaler });
    expect([out.width, out.height, out.channels]).toEqual([512, 512, 3]);
    const db = psnr(out.data, original.data);
    expect(Math.abs(db - expected)).toBeLessThanOrEqual(0.1);
    if (upscaler === "waifu2x") expect(db).toBeGreaterThanOrEqual(33.3);
  });

  it.each(listUpscalers())("%s returns exactly 2W × 2H for odd sizes, aligned with the input", async (upscaler) => {
    const photo = await readRgb("china.jpg");
    // Real-CUGAN needs 19 px; 13×7 exercises the padding to the registry's minSize.
    for (const [left, top, w, h] of [[300, 150, 37, 23], [250, 300, 13, 7]]) {
      const input = crop(photo, left, top, w, h);
      const out = await upscale(input, { ...options, upscaler });
      expect([out.width, out.height]).toEqual([2 * w, 2 * h]);
      // Shrunk back, the result must match the input far better than the input moved by one
      // pixel: catches shifted, mirrored or mis-cropped output.
      const back = areaAverage2x(out.toRawImage());
      const inner = (image: RawImage, dx: number) => crop(image, 1 + dx, 1, w - 3, h - 2).data;
      const aligned = meanAbsDiff(inner(back, 0), inner(input, 0));
      expect(aligned).toBeLessThan(10);
      // Real-CUGAN's squeeze-excitation blocks average the whole (padded) 19×19 input, so it
      // drifts more on tiny images than on real ones: 8.8 vs 15.1 when moved.
      expect(aligned).toBeLessThan(0.65 * meanAbsDiff(inner(back, 0), inner(input, 1)));
    }
  });

  it("keeps alpha, enlarged with the core Lanczos", async () => {
    const photo = await readRgb("coffee.png");
    const rgb = crop(photo, 200, 100, 40, 30);
    const rgba = new Uint8ClampedArray(40 * 30 * 4);
    for (let i = 0; i < 40 * 30; i++) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = i % 40 < 20 ? 255 : 0;
    }
    const out = await upscale({ data: rgba, width: 40, height: 30, channels: 4 }, options);
    expect([out.width, out.height, out.channels]).toEqual([80, 60, 4]);
    const alphaRow = Array.from({ length: 80 }, (_, x) => out.data[(30 * 80 + x) * 4 + 3]);
    // The mask edge sits between outputs 39 and 40; Lanczos-3 reaches 3 input pixels (6 output).
    expect(alphaRow.slice(0, 35)).toEqual(new Array(35).fill(255));
    expect(alphaRow.slice(45)).toEqual(new Array(35).fill(0));
    expect(alphaRow[39]).toBeGreaterThan(128);
    expect(alphaRow[40]).toBeLessThan(128);
  });

  it("stylize({ upscale: 2 }) equals stylize() then upscale(), and reports the upscale stage", async () => {
    const input = crop(await readRgb("rocket.jpg"), 200, 100, 96, 72);
    const stylizer = createStylizer(options);
    try {
      const events: ProgressEvent[] = [];
      const both = await stylizer.stylize(input, { style: "cute", upscale: 2, upscaler: "waifu2x", onProgress: (e) => events.push(e) });
      const styled = await stylizer.stylize(input, { style: "cute" });
      const after = await upscale(styled, { ...options, upscaler: "waifu2x" });
      expect([both.width, both.height]).toEqual([192, 144]);
      expect(both.data).toEqual(after.data);
      expect(events.filter((e) => e.stage === "upscale").map((e) => [e.model, e.progress])).toEqual([["waifu2x", 0], ["waifu2x", 1]]);
      const lanczos = await stylizer.stylize(input, { style: "cute", upscale: 2, upscaler: "lanczos" });
      expect([lanczos.width, lanczos.height]).toEqual([192, 144]);
    } finally {
      await stylizer.dispose();
    }
  });

  it.each([
    [{ upscale: 3 }, /upscale must be 1 or 2/],
    [{ upscale: 2, upscaler: "esrgan-9x" }, /Unknown upscaler "esrgan-9x"; use one of waifu2x, .*lanczos/],
    [{ upscaler: "hayao" }, /Unknown upscaler "hayao"/],
  ])("refuses %j with INVALID_OPTION before decoding anything", async (bad, message) => {
    const stylizer = createStylizer(options);
    const garbage = new Uint8Array([1, 2, 3]);
    const error = await stylizer.stylize(garbage, bad as object).catch((e: unknown) => e);
    expect(isAnime2dError(error, "INVALID_OPTION")).toBe(true);
    expect((error as Error).message).toMatch(message);
    await stylizer.dispose();
  });

  it("upscale() rejects bad input and aborts with typed errors", async () => {
    const badImage = { data: new Uint8ClampedArray(5), width: 2, height: 2, channels: 3 } as RawImage;
    await expect(upscale(badImage, options)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(upscale(new Uint8Array([1, 2, 3]), options)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(upscale(await readRgb("rocket.jpg"), { ...options, upscaler: "nope" })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    const controller = new AbortController();
    controller.abort();
    await expect(upscale(await readRgb("rocket.jpg"), { ...options, signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
  });
});
