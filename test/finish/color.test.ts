import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, defaultColorMode, isAnime2dError } from "@anime2d/node";
import { applyColorMode, lumaPlane, meanChromaDistance, meanLuma, preserveColor, matchBrightness } from "@anime2d/core";
import { crop, MODEL_DIR, readRgb } from "./helpers.js";

const stylizer = createStylizer({ modelDir: MODEL_DIR, threads: 2 });
afterAll(() => stylizer.dispose());

describe.each(["china.jpg", "astronaut.png"])("colour modes with hayao-v2 on %s", (name) => {
  it("match brings the mean luma within 2%; preserve halves the chroma error and keeps the style's luma", async () => {
    const photo = await readRgb(name);
    const image = { data: photo.data as Uint8ClampedArray, width: photo.width, height: photo.height };
    // One model run; the pipeline's wiring of the same functions is checked below.
    const model = await stylizer.stylize(photo, { style: "hayao-v2", color: "model" });
    const match = applyColorMode(image, model, "match");
    const preserve = applyColorMode(image, model, "preserve");

    const target = meanLuma(photo.data);
    const error = (rgb: ArrayLike<number>) => Math.abs(meanLuma(rgb) - target) / target;
    expect(error(match.data)).toBeLessThanOrEqual(Math.min(0.02, error(model.data)));

    expect(meanChromaDistance(preserve.data, photo.data)).toBeLessThanOrEqual(0.5 * meanChromaDistance(model.data, photo.data));

    const styleLuma = lumaPlane(model.data);
    const keptLuma = lumaPlane(preserve.data);
    let worst = 0;
    for (let i = 0; i < styleLuma.length; i++) worst = Math.max(worst, Math.abs(styleLuma[i] - keptLuma[i]));
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe("colour defaults and options", () => {
  it("hayao-v2 and cartoongan-paprika keep the photo's colours by default; the others keep the model's", async () => {
    expect(defaultColorMode("hayao-v2")).toBe("preserve");
    expect(defaultColorMode("cartoongan-paprika")).toBe("preserve");
    for (const style of ["hayao", "shinkai", "cute", "cartoongan-shinkai", "whitebox", "my-custom-style"]) expect(defaultColorMode(style)).toBe("model");
    const photo = crop(await readRgb("rocket.jpg"), 200, 100, 160, 120);
    const byDefault = await stylizer.stylize(photo, { style: "cartoongan-paprika" });
    const preserved = await stylizer.stylize(photo, { style: "cartoongan-paprika", color: "preserve" });
    expect(byDefault.data).toEqual(preserved.data);
  });

  it("stylize({ color }) applies the mode to the model's output, against the photo", async () => {
    const photo = crop(await readRgb("china.jpg"), 200, 100, 160, 120);
    const image = { data: photo.data as Uint8ClampedArray, width: 160, height: 120 };
    const model = await stylizer.stylize(photo, { style: "hayao-v2", color: "model" });
    for (const color of ["match", "preserve"] as const) {
      const out = await stylizer.stylize(photo, { style: "hayao-v2", color });
      expect(out.data).toEqual(applyColorMode(image, model, color).data);
      expect(out.data).not.toEqual(model.data);
    }
  });

  it("refuses an unknown colour mode with INVALID_OPTION", async () => {
    const error = await stylizer.stylize(new Uint8Array([1]), { color: "vivid" as never }).catch((e: unknown) => e);
    expect(isAnime2dError(error, "INVALID_OPTION")).toBe(true);
    expect((error as Error).message).toMatch(/color must be one of model, match, preserve/);
  });
});

describe("colour functions at the edges of the RGB cube", () => {
  it("preserve desaturates out-of-gamut colours instead of clipping, so luma stays exact", () => {
    // Saturated photo colours under a very light or very dark stylized luma cannot exist in RGB.
    const photo = { data: new Uint8ClampedArray([255, 0, 0, 0, 0, 255, 0, 255, 0, 200, 40, 220]), width: 4, height: 1 };
    const styled = { data: new Uint8ClampedArray([250, 250, 250, 5, 5, 5, 128, 128, 128, 30, 240, 60]), width: 4, height: 1 };
    const out = preserveColor(photo, styled);
    const a = lumaPlane(styled.data);
    const b = lumaPlane(out.data);
    for (let i = 0; i < 4; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(0.5);
    // Mid-grey luma leaves room for green at full photo chroma... only partly; hue is kept.
    expect(out.data[7]).toBeGreaterThan(out.data[6]);
    expect(out.data[7]).toBeGreaterThan(out.data[8]);
  });

  it("match compensates for clipping, and leaves an all-black result alone", () => {
    const photo = { data: new Uint8ClampedArray(300).fill(180), width: 100, height: 1 };
    const styled = { data: new Uint8ClampedArray(300).map((_, i) => (i < 30 ? 250 : 100)), width: 100, height: 1 };
    expect(Math.abs(meanLuma(matchBrightness(photo, styled).data) - 180)).toBeLessThan(0.5);
    const black = { data: new Uint8ClampedArray(300), width: 100, height: 1 };
    expect(matchBrightness(photo, black).data).toEqual(black.data);
  });
});
