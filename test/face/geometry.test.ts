import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { detectFaces } from "@anime2d/node";
import {
  alignmentFor,
  applySimilarity,
  estimateSimilarity,
  faceMaskWeight,
  invertSimilarity,
  resizeToFloat,
  warpSimilarity,
  type Point,
  type RgbImage,
  type Similarity,
} from "@anime2d/core";
import { photo, rgb } from "./helpers.js";

/** A pattern whose red and green channels spell each pixel's x and y. */
function coordinatePattern(size: number): RgbImage {
  const data = new Uint8ClampedArray(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([x, y, 128], (y * size + x) * 3);
  return { data, width: size, height: size };
}

const rotation = (deg: number, scale: number, tx: number, ty: number): Similarity => ({
  a: scale * Math.cos((deg * Math.PI) / 180),
  b: scale * Math.sin((deg * Math.PI) / 180),
  tx,
  ty,
});

describe("similarity fit", () => {
  it("recovers a known similarity from five points", () => {
    const truth = rotation(-33, 1.7, 12.5, -40);
    const from: Point[] = [[10, 20], [60, 22], [35, 50], [15, 75], [58, 74]];
    const fit = estimateSimilarity(from, from.map((p) => applySimilarity(truth, p)));
    for (const k of ["a", "b", "tx", "ty"] as const) expect(fit[k]).toBeCloseTo(truth[k], 9);
    const round = invertSimilarity(fit);
    const [x, y] = applySimilarity(round, applySimilarity(fit, [3, 4]));
    expect(x).toBeCloseTo(3, 9);
    expect(y).toBeCloseTo(4, 9);
  });

  it("refuses degenerate point sets", () => {
    expect(() => estimateSimilarity([[1, 1], [1, 1]], [[0, 0], [5, 5]])).toThrow(/coincide/);
    expect(() => estimateSimilarity([[1, 1]], [[0, 0]])).toThrow(/≥ 2/);
  });
});

describe("warp", () => {
  it("moves content by exactly a whole-pixel translation", () => {
    const pattern = coordinatePattern(64);
    const moved = warpSimilarity(pattern, { a: 1, b: 0, tx: 10, ty: 5 }, 64, 64);
    for (let y = 5; y < 64; y++) for (let x = 10; x < 64; x++) {
      expect(moved.data[(y * 64 + x) * 3]).toBe(x - 10);
      expect(moved.data[(y * 64 + x) * 3 + 1]).toBe(y - 5);
    }
  });

  it("forward-then-inverse warp of a test pattern is the identity within 1 px", () => {
    const pattern = coordinatePattern(200);
    const forward = rotation(30, 1.3, 150, 20);
    const there = warpSimilarity(pattern, forward, 420, 420);
    const back = warpSimilarity(there, invertSimilarity(forward), 200, 200);
    let worst = 0, total = 0, n = 0;
    for (let y = 4; y < 196; y++) for (let x = 4; x < 196; x++) {
      const o = (y * 200 + x) * 3;
      const err = Math.hypot(back.data[o] - x, back.data[o + 1] - y);
      worst = Math.max(worst, err);
      total += err;
      n++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(total / n).toBeLessThan(0.5);
  });

  it("resizes with area averaging when shrinking (no aliasing of a 1-px checkerboard)", () => {
    const size = 64;
    const data = new Uint8ClampedArray(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.fill((x + y) % 2 ? 255 : 0, (y * size + x) * 3, (y * size + x) * 3 + 3);
    const small = resizeToFloat({ data, width: size, height: size }, 13, 13);
    for (const v of small) expect(Math.abs(v - 127.5)).toBeLessThan(20);
  });
});

describe("alignment of a rotated, scaled photo", () => {
  it("aligns astronaut.png rotated by 20° and scaled by 0.6 onto the original's crop", async () => {
    const rotated = await sharp(photo("astronaut.png")).rotate(20, { background: "#808080" }).png().toBuffer();
    const canvas = (await sharp(rotated).metadata()).width!;
    const side = Math.round(canvas * 0.6);
    const turned = await rgb(sharp(rotated).resize(side, side));
    const original = await rgb(photo("astronaut.png"));
    const [a] = await detectFaces(original);
    const [b] = await detectFaces(turned);
    const toA = alignmentFor(a.landmarks), toB = alignmentFor(b.landmarks);

    // Where sharp put each original pixel: clockwise 20° about the centres, then ×side/canvas.
    const k = side / canvas, c = Math.cos((20 * Math.PI) / 180), s = Math.sin((20 * Math.PI) / 180);
    const truth: Similarity = { a: c * k, b: s * k, tx: (canvas / 2 - (c - s) * 256) * k, ty: (canvas / 2 - (s + c) * 256) * k };
    // Each crop corner, taken back to the original, through the known rotation, into B's crop.
    const fromA = invertSimilarity(toA);
    for (const corner of [[0, 0], [512, 0], [0, 512], [512, 512]] as Point[]) {
      const [u, v] = applySimilarity(toB, applySimilarity(truth, applySimilarity(fromA, corner)));
      expect(Math.hypot(u - corner[0], v - corner[1]), `corner ${corner}`).toBeLessThan(14);
    }

    // The pixels agree too, far better than the crop of the unrotated detection would.
    const cropA = resizeToFloat(warpSimilarity(original, toA, 512, 512), 128, 128);
    const cropB = resizeToFloat(warpSimilarity(turned, toB, 512, 512), 128, 128);
    // Baseline: B's crop with the right scale and nose position but without undoing the rotation.
    const scale = Math.hypot(toB.a, toB.b);
    const [nu, nv] = applySimilarity(toB, b.landmarks[2]);
    const unturned: Similarity = { a: scale, b: 0, tx: nu - scale * b.landmarks[2][0], ty: nv - scale * b.landmarks[2][1] };
    const cropC = resizeToFloat(warpSimilarity(turned, unturned, 512, 512), 128, 128);
    const mae = (p: Float32Array, q: Float32Array) => {
      let sum = 0, n = 0;
      for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) {
        if (faceMaskWeight(x * 4 + 2, y * 4 + 2, 512) < 1) continue;
        for (let ch = 0; ch < 3; ch++) sum += Math.abs(p[(y * 128 + x) * 3 + ch] - q[(y * 128 + x) * 3 + ch]);
        n += 3;
      }
      return sum / n;
    };
    // Measured: 4.7 grey levels aligned, 41.6 without undoing the rotation.
    expect(mae(cropA, cropB)).toBeLessThan(8);
    expect(mae(cropA, cropB) * 4).toBeLessThan(mae(cropA, cropC));
  });
});
