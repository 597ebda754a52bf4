import { describe, expect, it } from "vitest";
import { lanczos2x, lanczos3, lanczosResize } from "@anime2d/core";
import { areaAverage2x, psnr, readRgb } from "./helpers.js";

/** Centre of mass of one row of a single-channel image, in pixel indices. */
function centroid(row: ArrayLike<number>): number {
  let mass = 0;
  let moment = 0;
  for (let i = 0; i < row.length; i++) {
    mass += row[i];
    moment += i * row[i];
  }
  return moment / mass;
}

describe("core Lanczos-3", () => {
  it("is the Lanczos-3 kernel: 1 at 0, 0 at the integers and from ±3 on", () => {
    expect(lanczos3(0)).toBe(1);
    for (const x of [1, 2, -1, -2]) expect(Math.abs(lanczos3(x))).toBeLessThan(1e-12);
    expect(lanczos3(3)).toBe(0);
    expect(lanczos3(-4.5)).toBe(0);
    expect(lanczos3(0.5)).toBeCloseTo(0.6079, 4);
  });

  it("returns exactly 2W × 2H, also for odd and one-pixel sizes", () => {
    for (const [w, h, c] of [[1, 1, 3], [1, 5, 1], [7, 3, 3], [33, 17, 4]]) {
      const data = new Uint8ClampedArray(w * h * c).map((_, i) => (i * 37) & 255);
      expect(lanczos2x(data, w, h, c).length).toBe(4 * w * h * c);
    }
  });

  it("keeps a flat image flat (weights sum to 1, edges included)", () => {
    const data = new Uint8ClampedArray(9 * 5 * 3).fill(200);
    expect(new Set(lanczos2x(data, 9, 5, 3))).toEqual(new Set([200]));
  });

  it("is centred: a bright pixel's energy lands on the centre of its 2×2 block", () => {
    // Input pixel 10 spans 10..11, i.e. output 20..22: its centre is output index 20.5.
    // sharp's enlargement puts it about half an output pixel off (MODELS.md).
    const row = new Uint8ClampedArray(32).fill(0);
    row[10] = 200;
    const out = lanczos2x(row, 32, 1, 1);
    expect(centroid(out.subarray(0, 64))).toBeCloseTo(20.5, 1);
    expect(out.subarray(64)).toEqual(out.subarray(0, 64));
    const image = new Uint8ClampedArray(32 * 32).fill(0);
    image[12 * 32 + 5] = 255;
    const up = lanczos2x(image, 32, 32, 1);
    const column = Array.from({ length: 64 }, (_, y) => up[y * 64 + 10] + up[y * 64 + 11]);
    expect(centroid(column)).toBeCloseTo(24.5, 1);
  });

  it("shrinks with a stretched kernel: a 1-pixel checkerboard averages to grey", () => {
    const w = 16;
    const data = new Uint8ClampedArray(w * w).map((_, i) => (((i % w) + Math.floor(i / w)) % 2 ? 255 : 0));
    const half = lanczosResize(data, w, w, 1, w / 2, w / 2);
    for (const v of half) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(8);
  });

  it("reaches ≥ 30.7 dB on the astronaut round trip (MODELS.md: 30.80 for a centred Lanczos)", async () => {
    const original = await readRgb("astronaut.png");
    const small = areaAverage2x(original);
    const up = lanczos2x(small.data, small.width, small.height, 3);
    const db = psnr(up, original.data);
    expect(db).toBeGreaterThanOrEqual(30.7);
    expect(Math.abs(db - 30.8)).toBeLessThanOrEqual(0.1);
  });
});
