import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import {
  ModelPool,
  frozenStatistics,
  getModel,
  isAnime2dError,
  planTiles,
  runImageModel,
  runTiled,
  type LoadedModel,
  type RgbImage,
  type TilePlan,
} from "@anime2d/core";
import { createStylizer, nodePlatform } from "@anime2d/node";

const photos = process.env.ANIME2D_PHOTO_DIR ?? "../shared/photos";

async function loadRgb(file: string, width?: number, height?: number): Promise<RgbImage> {
  let pipeline = sharp(`${photos}/${file}`);
  if (width && height) pipeline = pipeline.resize(width, height, { fit: "fill" });
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}

/**
 * Mean absolute gradient across the lines where a tile begins or ends (inside the image),
 * divided by the mean absolute gradient everywhere else: a seam shows as a ratio above 1.
 */
function seamRatio(image: RgbImage, plan: TilePlan): number {
  const edges = (axis: TilePlan["x"]) => {
    const set = new Set<number>();
    for (const s of axis.starts) {
      if (s > 0) set.add(s);
      if (s + axis.tile < axis.length) set.add(s + axis.tile);
    }
    return set;
  };
  const xs = edges(plan.x);
  const ys = edges(plan.y);
  const { data, width, height } = image;
  let onSeam = 0, seamCount = 0, elsewhere = 0, otherCount = 0;
  const add = (g: number, seam: boolean) => (seam ? ((onSeam += g), seamCount++) : ((elsewhere += g), otherCount++));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (x > 0) add(Math.abs(data[p] - data[p - 3]) + Math.abs(data[p + 1] - data[p - 2]) + Math.abs(data[p + 2] - data[p - 1]), xs.has(x));
      if (y > 0) {
        const q = p - width * 3;
        add(Math.abs(data[p] - data[q]) + Math.abs(data[p + 1] - data[q + 1]) + Math.abs(data[p + 2] - data[q + 2]), ys.has(y));
      }
    }
  }
  return onSeam / seamCount / (elsewhere / otherCount);
}

describe("tiled runs on real models", () => {
  const pool = new ModelPool(nodePlatform, { modelDir: process.env.ANIME2D_MODEL_DIR });
  let hayao: LoadedModel;
  let photo: RgbImage;
  let whole: RgbImage;

  beforeAll(async () => {
    hayao = await pool.get(getModel("hayao", "style"));
    photo = await loadRgb("model_face.jpg", 1024, 1024);
    whole = await runImageModel(hayao, photo);
  });
  afterAll(() => pool.dispose());

  it("matches the whole-image run at 1024² with 256 px tiles (≥ 35 dB) and shows no seam", async () => {
    const geometry = { size: 256, overlap: 32 };
    const tiled = await runTiled(hayao, photo, { ...geometry, harmonise: true });
    expect([tiled.width, tiled.height]).toEqual([1024, 1024]);
    const quality = psnr(whole.data, tiled.data);
    expect(quality).toBeGreaterThanOrEqual(35);
    const plan = planTiles({ width: 1024, height: 1024, ...geometry, multiple: 8 });
    expect(plan.count).toBe(25);
    const seam = seamRatio(tiled, plan);
    expect(seam).toBeLessThan(1.2);
    // The whole-image output has no tile edges: on the same lines it is the content's own
    // ratio, and the tiled output adds nothing to it.
    console.info(`tiled ${quality.toFixed(2)} dB; seam ratio tiled ${seam.toFixed(3)}, whole ${seamRatio(whole, plan).toFixed(3)}`);
    expect(seam).toBeLessThan(seamRatio(whole, plan) + 0.03);
  });

  it("needs the harmonisation: plain overlapped tiles stay well below 35 dB, and hard-cut tiles show seams", async () => {
    const plain = await runTiled(hayao, photo, { size: 256, overlap: 32, harmonise: false });
    expect(psnr(whole.data, plain.data)).toBeLessThan(33);
    const cut = await runTiled(hayao, photo, { size: 256, overlap: 0, harmonise: false });
    expect(seamRatio(cut, planTiles({ width: 1024, height: 1024, size: 256, overlap: 0, multiple: 8 }))).toBeGreaterThan(1.2);
  });

  it("finds the generator's global statistics, and none in a 2× upscaler", async () => {
    const frozen = await frozenStatistics(hayao);
    expect(frozen?.count).toBe(52);
    const waifu2x = await pool.get(getModel("waifu2x", "upscaler"));
    expect(await frozenStatistics(waifu2x)).toBeUndefined();
  });

  it("tiles a 2× upscaler into an output twice the size that matches its whole-image run", async () => {
    const waifu2x = await pool.get(getModel("waifu2x", "upscaler"));
    const small = await loadRgb("coffee.png", 300, 200);
    const tiles: number[] = [];
    const tiled = await runTiled(waifu2x, small, { size: 128, overlap: 16, onTile: (done) => tiles.push(done) });
    expect([tiled.width, tiled.height]).toEqual([600, 400]);
    expect(tiles).toEqual([1, 2, 3, 4, 5, 6]);
    expect(psnr((await runImageModel(waifu2x, small)).data, tiled.data)).toBeGreaterThan(40);
  });

  /** Runs hayao tiled on china.jpg, calling `abortAfter(done, controller)` after each tile. */
  async function abortedRun(geometry: { size: number; overlap: number; harmonise?: boolean }, abortAfter: (done: number, controller: AbortController) => void) {
    const small = await loadRgb("china.jpg");
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await runTiled(hayao, small, {
      ...geometry,
      signal: controller.signal,
      onTile: (done) => (seen.push(done), abortAfter(done, controller)),
    }).then(() => undefined, (e: unknown) => e);
    return { seen, aborted: isAnime2dError(error, "ABORTED") };
  }

  it("reports each tile and stops between tiles on abort", async () => {
    const run = await abortedRun({ size: 256, overlap: 32, harmonise: true }, (done, c) => done === 2 && c.abort());
    expect(run).toEqual({ seen: [1, 2], aborted: true });
  });

  it("stops between tiles when the abort comes from outside (a timer), not from a callback", async () => {
    // Inference can hold the thread for a whole tile; the abort must still land between
    // tiles, as it does when a worker receives an abort message.
    const run = await abortedRun({ size: 128, overlap: 16 }, (done, c) => done === 1 && setTimeout(() => c.abort(), 0));
    expect(run).toEqual({ seen: [1], aborted: true }); // of 24 tiles
  });
});

describe("stylize() with tiling", () => {
  const stylizer = createStylizer();
  afterAll(() => stylizer.dispose());

  it("tiles above the pixel budget, emits tile progress and keeps the exact odd size", async () => {
    const events: Array<{ done?: number; total?: number }> = [];
    const crop = await sharp(`${photos}/laos.jpg`).extract({ left: 0, top: 0, width: 957, height: 637 }).raw().toBuffer();
    const result = await stylizer.stylize(
      { data: new Uint8Array(crop), width: 957, height: 637, channels: 3 },
      { tilePixels: 300_000, onProgress: (e) => e.stage === "tile" && events.push({ done: e.done, total: e.total }) },
    );
    expect([result.width, result.height, result.channels]).toEqual([957, 637, 3]);
    const total = planTiles({ width: 957, height: 637, size: 256, overlap: 32, multiple: 8 }).count;
    expect(events).toEqual(Array.from({ length: total }, (_, i) => ({ done: i + 1, total })));
    // Closer to the whole-image run than the same tiles without harmonisation. Below the 1 MP
    // case in absolute terms (a 0.6 MP image yields a statistics mosaic of only 12 patches), so
    // the bar is the margin over plain tiles on this very image.
    const input = () => ({ data: new Uint8Array(crop), width: 957, height: 637, channels: 3 as const });
    const whole = await stylizer.stylize(input(), { tile: false });
    const plain = await stylizer.stylize(input(), { tile: { size: 256, overlap: 32, harmonise: false } });
    const [harmonised, unharmonised] = [psnr(whole.data, result.data), psnr(whole.data, plain.data)];
    console.info(`957×637 tiled: harmonised ${harmonised.toFixed(2)} dB, plain ${unharmonised.toFixed(2)} dB`);
    expect(harmonised - unharmonised).toBeGreaterThan(1);
  });
});
