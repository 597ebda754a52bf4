import { beforeAll, describe, expect, it } from "vitest";
import { createStylizer, detectFaces, isAnime2dError, type Face, type ProgressEvent, type StyleId, type Stylizer } from "@anime2d/node";
import { alignmentFor, blendFaces, faceBlendWeights, FACE_CROP_SIZE, faceTemplate, type RgbImage } from "@anime2d/core";
import { eyeDistance, photo, rgb } from "./helpers.js";

let stylizer: Stylizer;
beforeAll(() => {
  stylizer = createStylizer();
  return () => stylizer.dispose();
});

const code = (p: Promise<unknown>) => p.then(() => "resolved", (e) => (isAnime2dError(e) ? e.code : String(e)));

describe('face: "auto" paste-back (laos.jpg, two faces, style cute)', () => {
  let off: RgbImage, auto: RgbImage, keep: RgbImage, original: RgbImage, weights: Float32Array, faces: Face[];
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    original = await rgb(photo("laos.jpg"));
    off = await stylizer.stylize(photo("laos.jpg"), { style: "cute", face: "off" });
    auto = await stylizer.stylize(photo("laos.jpg"), { style: "cute", face: "auto", onProgress: (e) => events.push(e) });
    keep = await stylizer.stylize(photo("laos.jpg"), { style: "cute", face: "auto", background: "keep" });
    faces = await detectFaces(photo("laos.jpg"));
    expect(faces).toHaveLength(2);
    weights = faceBlendWeights(faces.map((f) => alignmentFor(f.landmarks)), FACE_CROP_SIZE, original.width, original.height);
  });

  it("equals the whole-image result exactly outside the masks, and differs inside", () => {
    let outside = 0, outsideChanged = 0, inside = 0, changed = 0, differing = 0;
    for (let i = 0; i < weights.length; i++) {
      const d = Math.abs(auto.data[i * 3] - off.data[i * 3]) + Math.abs(auto.data[i * 3 + 1] - off.data[i * 3 + 1]) + Math.abs(auto.data[i * 3 + 2] - off.data[i * 3 + 2]);
      if (weights[i] === 0) {
        if (d !== 0) outsideChanged++;
        outside++;
      } else if (weights[i] > 0.99) {
        inside++;
        changed += d / 3;
        if (d > 0) differing++;
      }
    }
    expect(outsideChanged).toBe(0);
    expect(outside).toBeGreaterThan(weights.length / 3);
    expect(inside).toBeGreaterThan(20_000);
    // The crop pass redraws the faces: most pixels change, by ~3 levels on average here.
    expect(differing / inside).toBeGreaterThan(0.6);
    expect(changed / inside).toBeGreaterThan(1.5);
  });

  it("redraws each detected face around every one of its landmarks", () => {
    // Measured on the pixels alone, not on the masks: in a disc around each landmark, most
    // pixels differ from the whole-image run, and on the kept background they are restyled.
    const { width } = original;
    for (const [f, face] of faces.entries()) {
      const radius = Math.round(0.15 * eyeDistance(face.landmarks));
      for (const [k, [lx, ly]] of face.landmarks.entries()) {
        let n = 0, changed = 0, restyled = 0;
        for (let y = Math.round(ly) - radius; y <= Math.round(ly) + radius; y++)
          for (let x = Math.round(lx) - radius; x <= Math.round(lx) + radius; x++) {
            if ((x - lx) ** 2 + (y - ly) ** 2 > radius ** 2) continue;
            const i = (y * width + x) * 3;
            n++;
            if (auto.data[i] !== off.data[i] || auto.data[i + 1] !== off.data[i + 1] || auto.data[i + 2] !== off.data[i + 2]) changed++;
            restyled += (Math.abs(keep.data[i] - original.data[i]) + Math.abs(keep.data[i + 1] - original.data[i + 1]) + Math.abs(keep.data[i + 2] - original.data[i + 2])) / 3;
          }
        expect(changed / n, `face ${f} landmark ${k}: share of pixels redrawn`).toBeGreaterThan(0.6);
        expect(restyled / n, `face ${f} landmark ${k}: mean change over the photo`).toBeGreaterThan(5);
        expect(weights[Math.round(ly) * width + Math.round(lx)], `face ${f} landmark ${k}: inside the pasted region`).toBeGreaterThan(0.99);
      }
    }
  });

  it("has no step along the mask edge", () => {
    const { width, height } = original;
    let rimMax = 0, bandStep = 0, bandN = 0, coreStep = 0, coreN = 0, maskStep = 0;
    const diff = (i: number) => (auto.data[i * 3] - off.data[i * 3] + auto.data[i * 3 + 1] - off.data[i * 3 + 1] + auto.data[i * 3 + 2] - off.data[i * 3 + 2]) / 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x + 1 < width; x++) {
        const i = y * width + x;
        const w = weights[i];
        maskStep = Math.max(maskStep, Math.abs(weights[i + 1] - w), y + 1 < height ? Math.abs(weights[i + width] - w) : 0);
        if (w > 0 && w < 0.05) rimMax = Math.max(rimMax, Math.abs(diff(i)));
        const step = Math.abs(diff(i + 1) - diff(i));
        if (w > 0 && w < 0.95) { bandStep += step; bandN++; }
        else if (w >= 0.99) { coreStep += step; coreN++; }
      }
    }
    // The mask changes by at most a few percent per pixel: a soft ramp, not an edge.
    expect(maskStep).toBeLessThan(0.05);
    // Where the mask starts, the face pass has barely moved the whole-image pixels.
    expect(rimMax).toBeLessThanOrEqual(0.05 * 255 + 1);
    // Across the feather, the change varies no faster than inside the face itself.
    expect(bandStep / bandN).toBeLessThanOrEqual(coreStep / coreN);
  });

  it('pastes onto the original photo with background: "keep"', () => {
    let inside = 0, changed = 0, outsideChanged = 0, unlikeAuto = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] === 0) {
        for (let c = 0; c < 3; c++) if (keep.data[i * 3 + c] !== original.data[i * 3 + c]) outsideChanged++;
      } else if (weights[i] === 1) {
        inside++;
        changed += Math.abs(keep.data[i * 3] - original.data[i * 3]);
        // Fully inside a mask the face is the same stylized crop as in the default mode.
        if (keep.data[i * 3] !== auto.data[i * 3]) unlikeAuto++;
      }
    }
    expect(outsideChanged).toBe(0);
    expect(unlikeAuto).toBe(0);
    expect(changed / inside).toBeGreaterThan(5);
  });

  it("names each stage in its progress events", () => {
    const stages = events.map((e) => e.stage);
    for (const s of ["decode", "background", "detect", "face", "blend", "done"] as const) expect(stages).toContain(s);
    const faces = events.filter((e) => e.stage === "face");
    expect(faces.map((e) => `${e.done}/${e.total}`)).toEqual(["0/2", "1/2", "2/2"]);
    expect(stages.indexOf("blend")).toBeGreaterThan(stages.lastIndexOf("face"));
  });
});

describe("face-mode defaults and photos without faces", () => {
  it('is "auto" for the portrait style cute and "off" for hayao', async () => {
    const stagesOf = async (style: StyleId) => {
      const stages: string[] = [];
      await stylizer.stylize(photo("astronaut.png"), { style, onProgress: (e) => stages.push(e.stage) });
      return stages;
    };
    expect(await stagesOf("cute")).toContain("detect");
    expect(await stagesOf("hayao")).not.toContain("detect");
  });

  it('gives exactly the whole-image result for a photo with no face (coffee.png)', async () => {
    const off = await stylizer.stylize(photo("coffee.png"), { style: "cute", face: "off" });
    const auto = await stylizer.stylize(photo("coffee.png"), { style: "cute", face: "auto" });
    expect(Buffer.from(auto.data).equals(Buffer.from(off.data))).toBe(true);
  });
});

describe("overlapping faces", () => {
  it("blend without a second edge inside the first face", () => {
    const size = 64;
    const background: RgbImage = { data: new Uint8ClampedArray(200 * 120 * 3), width: 200, height: 120 };
    const crop = (v: number): RgbImage => ({ data: new Uint8ClampedArray(size * size * 3).fill(v), width: size, height: size });
    // Two faces 40 px apart, each crop covering ~90 px: their masks overlap broadly.
    const at = (cx: number) => ({ a: size / 90, b: 0, tx: size / 2 - (size / 90) * cx, ty: size / 2 - (size / 90) * 60 });
    const out = blendFaces(background, [{ toCrop: at(80), crop: crop(200) }, { toCrop: at(120), crop: crop(100) }]);
    const alone = blendFaces(background, [{ toCrop: at(80), crop: crop(200) }]);
    const steepest = (image: RgbImage) => {
      let worst = 0;
      for (let x = 0; x + 1 < 200; x++) worst = Math.max(worst, Math.abs(image.data[(60 * 200 + x + 1) * 3] - image.data[(60 * 200 + x) * 3]));
      return worst;
    };
    // A pasted edge would jump by 100–200 levels at once; the overlap is no steeper than one
    // face's own feather (a ramp of ~20 levels per pixel at this small scale).
    expect(steepest(alone)).toBeLessThan(25);
    expect(steepest(out)).toBeLessThanOrEqual(steepest(alone));
    // Between the faces the colours mix; at each face's centre its own colour wins.
    expect(out.data[(60 * 200 + 80) * 3]).toBeGreaterThan(out.data[(60 * 200 + 100) * 3]);
    expect(out.data[(60 * 200 + 100) * 3]).toBeGreaterThan(out.data[(60 * 200 + 120) * 3]);
  });
});

describe('face: "avatar"', () => {
  it("returns the upright, centred largest face of astronaut.png at 512×512 with level eyes", async () => {
    const avatar = await stylizer.stylize(photo("astronaut.png"), { face: "avatar" });
    expect([avatar.width, avatar.height, avatar.channels]).toEqual([512, 512, 3]);
    const faces = await detectFaces(avatar);
    expect(faces).toHaveLength(1);
    const [le, re] = faces[0].landmarks;
    expect(Math.abs(le[1] - re[1])).toBeLessThanOrEqual(2);
    const [tl, tr] = faceTemplate(512);
    for (const [p, t] of [[le, tl], [re, tr]]) expect(Math.hypot(p[0] - t[0], p[1] - t[1])).toBeLessThan(8);
  });

  it("honours avatarSize and faceStyle, and keeps the largest of several faces", async () => {
    const avatar = await stylizer.stylize(photo("laos.jpg"), { style: "hayao", faceStyle: "cute", face: "avatar", avatarSize: 256 });
    expect([avatar.width, avatar.height]).toEqual([256, 256]);
    const [face] = await detectFaces(avatar);
    const [tl, tr] = faceTemplate(256);
    expect(Math.hypot(face.landmarks[0][0] - tl[0], face.landmarks[0][1] - tl[1])).toBeLessThan(6);
    expect(Math.hypot(face.landmarks[1][0] - tr[0], face.landmarks[1][1] - tr[1])).toBeLessThan(6);
  });

  it("throws NO_FACE for a photo without a face", async () => {
    expect(await code(stylizer.stylize(photo("coffee.png"), { face: "avatar" }))).toBe("NO_FACE");
  });
});

describe("face option checks", () => {
  it("rejects bad face options before doing any work", async () => {
    const input = photo("astronaut.png");
    expect(await code(stylizer.stylize(input, { face: "faces" as never }))).toBe("INVALID_OPTION");
    expect(await code(stylizer.stylize(input, { face: "auto", background: "blur" as never }))).toBe("INVALID_OPTION");
    expect(await code(stylizer.stylize(input, { face: "avatar", avatarSize: 10 }))).toBe("INVALID_OPTION");
    expect(await code(stylizer.stylize(input, { face: "auto", maxFaces: 0 }))).toBe("INVALID_OPTION");
    expect(await code(stylizer.stylize(input, { face: "auto", minFaceScore: -1 }))).toBe("INVALID_OPTION");
    expect(await code(stylizer.stylize(input, { face: "auto", faceStyle: "nope" as never }))).toBe("UNKNOWN_STYLE");
  });
});
