import { describe, expect, it } from "vitest";
import { axisWeights, isAnime2dError, planTiles, resolveTiling, scalePlan, type AxisPlan } from "@anime2d/core";

const sizes = [1, 2, 7, 8, 31, 100, 255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1500, 4096];
const geometries: Array<[size: number, overlap: number, multiple: number]> = [
  [256, 32, 8], [256, 64, 8], [512, 64, 8], [512, 128, 16], [128, 32, 4], [200, 50, 1], [64, 32, 16], [96, 40, 8], [256, 200, 8],
];

/** Checks one axis: equal tiles on the multiple, full coverage of the padded length, overlaps ≥ asked. */
function checkAxis(axis: AxisPlan, length: number, size: number, overlap: number, multiple: number) {
  const padded = Math.ceil(length / multiple) * multiple;
  expect(axis.paddedLength).toBe(padded);
  expect(axis.tile % multiple).toBe(0);
  expect(axis.tile).toBe(Math.min(Math.ceil(size / multiple) * multiple, padded));
  expect(axis.starts[0]).toBe(0);
  expect(axis.starts.at(-1)! + axis.tile).toBe(padded);
  for (const s of axis.starts) expect(s % multiple).toBe(0);
  for (let i = 1; i < axis.starts.length; i++) {
    expect(axis.starts[i]).toBeGreaterThan(axis.starts[i - 1]);
    expect(axis.starts[i - 1] + axis.tile - axis.starts[i]).toBeGreaterThanOrEqual(overlap);
  }
  // Every pixel of the image is inside some tile.
  const covered = new Uint8Array(length);
  for (const s of axis.starts) covered.fill(1, s, Math.min(length, s + axis.tile));
  expect(covered.every((c) => c === 1)).toBe(true);
}

describe("planTiles", () => {
  it("covers every pixel with equal tiles on the model's multiple and the asked overlap", () => {
    let plans = 0;
    for (const [size, overlap, multiple] of geometries) {
      for (const width of sizes) {
        for (const height of [1, 3, 300, 1024, 2049]) {
          const plan = planTiles({ width, height, size, overlap, multiple });
          checkAxis(plan.x, width, size, overlap, multiple);
          checkAxis(plan.y, height, size, overlap, multiple);
          expect(plan.count).toBe(plan.x.starts.length * plan.y.starts.length);
          plans++;
        }
      }
    }
    expect(plans).toBe(geometries.length * sizes.length * 5);
  });

  it("uses one padded tile for images smaller than a tile, including 1-pixel strips", () => {
    const strip = planTiles({ width: 1, height: 3000, size: 256, overlap: 32, multiple: 8 });
    expect(strip.x).toMatchObject({ tile: 8, starts: [0], paddedLength: 8 });
    expect(strip.y.tile).toBe(256);
    expect(strip.y.starts.length).toBeGreaterThan(1);
    const small = planTiles({ width: 100, height: 60, size: 512, overlap: 64, multiple: 8 });
    expect(small.count).toBe(1);
    expect([small.x.tile, small.y.tile]).toEqual([104, 64]);
  });

  it("spreads edge tiles inward instead of shrinking them", () => {
    const { x } = planTiles({ width: 1000, height: 1000, size: 256, overlap: 32, multiple: 8 });
    expect(x.tile).toBe(256);
    expect(x.starts.at(-1)).toBe(1000 - 256);
    // Steps are even: they differ by at most one multiple.
    const steps = x.starts.slice(1).map((s, i) => s - x.starts[i]);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThanOrEqual(8);
  });

  it("respects a minimum model size", () => {
    const plan = planTiles({ width: 5, height: 5, size: 64, overlap: 16, multiple: 1, minSize: 19 });
    expect(plan.x.tile).toBe(19);
  });

  it("scales a plan to a 2× model's output pixels", () => {
    const plan = scalePlan(planTiles({ width: 300, height: 200, size: 128, overlap: 16 }), 2);
    expect(plan.x.length).toBe(600);
    expect(plan.x.tile).toBe(256);
    expect(plan.x.starts.at(-1)! + plan.x.tile).toBe(600);
  });

  it("rejects impossible geometries with INVALID_OPTION", () => {
    for (const request of [
      { width: 0, height: 10, size: 256, overlap: 32 },
      { width: 10, height: 10, size: 256, overlap: 256 },
      { width: 10, height: 10, size: 256.5, overlap: 32 },
      { width: 10, height: 10, size: 256, overlap: -1 },
      { width: 1000, height: 10, size: 16, overlap: 12, multiple: 8 },
    ]) {
      expect(() => planTiles(request), JSON.stringify(request)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    }
  });
});

describe("axisWeights", () => {
  it("sum to 1 at every position, are positive inside tiles and change smoothly", () => {
    for (const [size, overlap, multiple] of geometries) {
      for (const length of sizes) {
        const axis = planTiles({ width: length, height: 1, size, overlap, multiple }).x;
        const weights = axisWeights(axis);
        const sum = new Float64Array(axis.paddedLength);
        let smallest = Infinity;
        let steepest = 0;
        weights.forEach((w, i) => {
          expect(w.length).toBe(axis.tile);
          w.forEach((v, k) => {
            smallest = Math.min(smallest, v);
            if (k > 0) steepest = Math.max(steepest, Math.abs(v - w[k - 1]));
            sum[axis.starts[i] + k] += v;
          });
        });
        expect(smallest).toBeGreaterThan(0);
        // No step: with overlaps of 32 px or more, neighbouring weights differ by < 0.1.
        if (overlap >= 32) expect(steepest).toBeLessThan(0.1);
        const worst = sum.reduce((m, s) => Math.max(m, Math.abs(s - 1)), 0);
        expect(worst).toBeLessThan(1e-6);
      }
    }
  });

  it("is 1 outside overlaps and fades across them", () => {
    const axis = planTiles({ width: 512, height: 1, size: 256, overlap: 64, multiple: 8 }).x;
    const [first, second] = axisWeights(axis);
    expect(first[0]).toBe(1);
    expect(first[axis.starts[1] - 1]).toBe(1);
    expect(first[axis.tile - 1]).toBeLessThan(0.01);
    expect(second[0]).toBeLessThan(0.01);
  });
});

describe("resolveTiling", () => {
  it("runs images up to the budget whole and tiles larger ones", () => {
    expect(resolveTiling({}, 1024, 1024)).toBeUndefined();
    expect(resolveTiling({}, 1025, 1024)).toMatchObject({ size: 256, overlap: 32, harmonise: true });
    expect(resolveTiling({ tilePixels: 1e6 * 20 }, 4096, 4096)).toBeUndefined();
    expect(resolveTiling({ tile: false }, 8000, 8000)).toBeUndefined();
    expect(resolveTiling({ tile: { size: 512 } }, 10, 10)).toMatchObject({ size: 512, overlap: 32, harmonise: true });
    expect(resolveTiling({ tile: { size: 64 } }, 10, 10)).toMatchObject({ size: 64, overlap: 16 });
    expect(resolveTiling({}, 2000, 2000, 2)).toMatchObject({ harmonise: false });
  });

  it("rejects malformed options with INVALID_OPTION", () => {
    for (const options of [{ tile: "yes" }, { tile: { size: 8 } }, { tile: { size: 256, overlap: 200 } }, { tile: { harmonise: "on" } }, { tilePixels: 0 }, { tile: null }]) {
      let error: unknown;
      try {
        resolveTiling(options as never, 2000, 2000);
      } catch (e) {
        error = e;
      }
      expect(isAnime2dError(error, "INVALID_OPTION"), JSON.stringify(options)).toBe(true);
    }
  });
});
