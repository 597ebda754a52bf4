import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { detectFaces, isAnime2dError, type Face } from "@anime2d/node";
import { boxIou, nonMaximumSuppression, retinafacePriors } from "@anime2d/core";
import { eyeDistance, photo, rgb } from "./helpers.js";

const expectedCounts: [string, number][] = [
  ["astronaut.png", 1],
  ["model_face.jpg", 1],
  ["city_portrait.jpg", 1],
  ["woman_portrait.jpg", 1],
  ["laos.jpg", 2],
  ["coffee.png", 0],
  ["china.jpg", 0],
];

const corners = (f: Face) => [f.box.x, f.box.y, f.box.x + f.box.width, f.box.y + f.box.height];

describe("detectFaces on real photos", () => {
  it.each(expectedCounts)("%s has %i face(s)", async (name, count) => {
    const faces = await detectFaces(photo(name));
    expect(faces).toHaveLength(count);
    for (const f of faces) expect(f.score).toBeGreaterThanOrEqual(0.8);
  });

  it("gives plausible landmarks inside each box, faces sorted by size", async () => {
    for (const name of ["astronaut.png", "model_face.jpg", "city_portrait.jpg", "woman_portrait.jpg", "laos.jpg"]) {
      const faces = await detectFaces(photo(name));
      for (const [i, f] of faces.entries()) {
        const [le, re, nose, lm, rm] = f.landmarks;
        expect(le[0], name).toBeLessThan(re[0]);
        expect(lm[0], name).toBeLessThan(rm[0]);
        expect(Math.max(le[1], re[1]), name).toBeLessThan(nose[1]);
        expect(nose[1], name).toBeLessThan(Math.min(lm[1], rm[1]));
        for (const [x, y] of f.landmarks) {
          expect(x).toBeGreaterThan(f.box.x);
          expect(x).toBeLessThan(f.box.x + f.box.width);
          expect(y).toBeGreaterThan(f.box.y);
          expect(y).toBeLessThan(f.box.y + f.box.height);
        }
        if (i > 0) expect(f.box.width * f.box.height).toBeLessThanOrEqual(faces[i - 1].box.width * faces[i - 1].box.height);
      }
    }
  });

  it("places astronaut.png's landmarks where they were marked by eye (within 10% of the eye distance)", async () => {
    // Marked on an 9× enlargement of the photo with a 5 px grid: the iris centres, the tip of
    // the nose above the columella, the corners where the lips meet.
    const marked = [[203.5, 101], [246.5, 103], [223.5, 128.5], [203, 140], [244, 141.5]];
    const [face] = await detectFaces(photo("astronaut.png"));
    const tolerance = 0.1 * eyeDistance(marked); // 4.3 px
    face.landmarks.forEach(([x, y], i) => {
      expect(Math.hypot(x - marked[i][0], y - marked[i][1]), `landmark ${i}`).toBeLessThan(tolerance);
    });
    expect(face.box.x).toBeGreaterThan(165);
    expect(face.box.x + face.box.width).toBeLessThan(285);
  });

  it("finds the mirrored landmarks in a mirrored photo (left and right swapped back)", async () => {
    for (const name of ["astronaut.png", "model_face.jpg", "city_portrait.jpg", "woman_portrait.jpg", "laos.jpg"]) {
      const faces = await detectFaces(photo(name));
      const mirrored = await detectFaces(await rgb(sharp(photo(name)).flop()));
      expect(mirrored, name).toHaveLength(faces.length);
      const width = (await sharp(photo(name)).metadata()).width!;
      for (const face of faces) {
        // The same face in the mirror: the one whose box, mirrored back, overlaps it most.
        const back = (f: Face) => [width - (f.box.x + f.box.width), f.box.y, width - f.box.x, f.box.y + f.box.height];
        const twin = mirrored.reduce((best, f) => (boxIou(back(f), corners(face)) > boxIou(back(best), corners(face)) ? f : best));
        expect(boxIou(back(twin), corners(face)), name).toBeGreaterThan(0.6); // boxes drift more than landmarks (0.76 measured)
        // Mirroring swaps the eyes and the mouth corners; the nose stays.
        const swapped = [1, 0, 2, 4, 3].map((k) => [width - twin.landmarks[k][0], twin.landmarks[k][1]]);
        const tolerance = 0.1 * eyeDistance(face.landmarks);
        face.landmarks.forEach(([x, y], k) => expect(Math.hypot(x - swapped[k][0], y - swapped[k][1]), `${name} landmark ${k}`).toBeLessThan(tolerance));
      }
    }
  });

  it("finds the same two faces in a 4000×3000 upscale of laos.jpg", async () => {
    const small = await detectFaces(photo("laos.jpg"));
    const big = await detectFaces(await rgb(sharp(photo("laos.jpg")).resize(4000, 3000, { fit: "fill" })));
    expect(big).toHaveLength(2);
    const [kx, ky] = [4000 / 960, 3000 / 640];
    for (const [i, f] of small.entries()) {
      const scaled = [f.box.x * kx, f.box.y * ky, (f.box.x + f.box.width) * kx, (f.box.y + f.box.height) * ky];
      expect(boxIou(scaled, corners(big[i]))).toBeGreaterThan(0.8);
      const tolerance = 0.1 * eyeDistance(big[i].landmarks);
      f.landmarks.forEach(([x, y], k) => {
        expect(Math.hypot(x * kx - big[i].landmarks[k][0], y * ky - big[i].landmarks[k][1])).toBeLessThan(tolerance);
      });
    }
  });

  it("honours maxFaces (largest first) and minScore", async () => {
    const all = await detectFaces(photo("laos.jpg"));
    const one = await detectFaces(photo("laos.jpg"), { maxFaces: 1 });
    expect(one).toHaveLength(1);
    expect(one[0].box).toEqual(all[0].box);
    // A threshold between the two faces' real scores keeps only the surer one.
    const [surer, other] = [...all].sort((a, b) => b.score - a.score);
    expect(surer.score).toBeGreaterThan(other.score);
    const strict = await detectFaces(photo("laos.jpg"), { minScore: (surer.score + other.score) / 2 });
    expect(strict).toHaveLength(1);
    expect(strict[0].box).toEqual(surer.box);
  });

  it("rejects bad options and inputs with typed errors", async () => {
    const code = (p: Promise<unknown>) => p.then(() => "resolved", (e) => (isAnime2dError(e) ? e.code : String(e)));
    expect(await code(detectFaces(photo("laos.jpg"), { minScore: 2 }))).toBe("INVALID_OPTION");
    expect(await code(detectFaces(photo("laos.jpg"), { maxFaces: 0 }))).toBe("INVALID_OPTION");
    expect(await code(detectFaces(photo("laos.jpg"), { workingSize: 10 }))).toBe("INVALID_OPTION");
    expect(await code(detectFaces(new Uint8Array([1, 2, 3, 4])))).toBe("UNSUPPORTED");
    expect(await code(detectFaces(photo("missing.jpg")))).toBe("INVALID_INPUT");
    const aborted = AbortSignal.abort();
    expect(await code(detectFaces(photo("laos.jpg"), { signal: aborted }))).toBe("ABORTED");
  });

  it("handles tiny and extreme-aspect images without faces", async () => {
    const tiny = { data: new Uint8ClampedArray(3 * 3 * 3).fill(128), width: 3, height: 3, channels: 3 as const };
    expect(await detectFaces(tiny)).toEqual([]);
    const strip = { data: new Uint8ClampedArray(2000 * 2 * 3).fill(90), width: 2000, height: 2, channels: 3 as const };
    expect(await detectFaces(strip)).toEqual([]);
  });
});

describe("RetinaFace decoding", () => {
  it("lays out 12600 priors for a 640×480 input (MODELS.md)", () => {
    expect(retinafacePriors(640, 480).length / 3).toBe(12600);
  });

  it("NMS keeps the best of overlapping boxes and separate boxes", () => {
    const d = (box: [number, number, number, number], score: number) => ({ box, score, landmarks: [] });
    const kept = nonMaximumSuppression([d([0, 0, 10, 10], 0.9), d([1, 1, 11, 11], 0.95), d([20, 20, 30, 30], 0.85)], 0.4);
    expect(kept.map((k) => k.score)).toEqual([0.95, 0.85]);
  });
});
