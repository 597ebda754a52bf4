// Finishing benchmark (issue 6): round-trip PSNR and speed of each 2× upscaler, and the
// colour-mode figures for hayao-v2. Uses the built package (`npm run build` first).
//   npm run bench:finish [-- --runs 3 --threads 2 --size 512]
//
// Round trip (as in MODELS.md): the 512² photo → mean of each 2×2 block (rounded half up)
// → 2× → PSNR against the photo over all RGB values. Speed: `upscale()` on a size² input
// with a warm session, median of `runs`, beside raw `session.run` calls doing the same
// inference: one NCHW [1, 3, size, size] tensor, or, above the 512² tiling threshold where
// `upscale()` works in 256 px tiles, one run per tile of the same plan. The ratio shows the
// pipeline's own overhead (tensor conversion, blending), which survives a noisy machine
// better than absolute times.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { createStylizer, env, listModels, listUpscalers, upscale } from "anime2d";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
    size: { type: "string", default: "512" },
    photos: { type: "string", default: "../shared/photos" },
  },
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const size = Number(values.size);
const modelDir = env.modelDir ?? "../shared/models";
const options = { modelDir, threads };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

async function readRgb(name) {
  const { data, info } = await sharp(join(values.photos, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
}

function areaAverage2x({ data, width, height }) {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const at = (dx, dy) => data[((2 * y + dy) * width + 2 * x + dx) * 3 + c];
        out[(y * w + x) * 3 + c] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
      }
  return { data: out, width: w, height: h, channels: 3 };
}

// BT.601 luma and chroma, as the finish module defines them.
const luma = (d, j) => 0.299 * d[j] + 0.587 * d[j + 1] + 0.114 * d[j + 2];
const cb = (d, j) => -0.168736 * d[j] - 0.331264 * d[j + 1] + 0.5 * d[j + 2];
const cr = (d, j) => 0.5 * d[j] - 0.418688 * d[j + 1] - 0.081312 * d[j + 2];
function meanLuma(d) {
  let sum = 0;
  for (let j = 0; j < d.length; j += 3) sum += luma(d, j);
  return sum / (d.length / 3);
}
function meanChromaDistance(a, b) {
  let sum = 0;
  for (let j = 0; j < a.length; j += 3) sum += Math.hypot(cb(a, j) - cb(b, j), cr(a, j) - cr(b, j));
  return sum / (a.length / 3);
}
function maxLumaChange(a, b) {
  let worst = 0;
  for (let j = 0; j < a.length; j += 3) worst = Math.max(worst, Math.abs(luma(a, j) - luma(b, j)));
  return worst;
}

function psnr(a, b) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

async function sharpEnlarge(small) {
  const raw = { width: small.width, height: small.height, channels: 3 };
  return sharp(small.data, { raw }).resize(small.width * 2, small.height * 2, { kernel: "lanczos3" }).raw().toBuffer();
}

// --- Round trip -------------------------------------------------------------------------
const astronaut = await readRgb("astronaut.png");
const small = areaAverage2x(astronaut);
const stylizer = createStylizer(options);
const styled = (await stylizer.stylize(astronaut, { style: "hayao", color: "model" })).toRawImage();
const styledSmall = areaAverage2x(styled);

console.log(`anime2d finishing bench: threads ${threads}, ${runs} runs, median`);
console.log("\nRound trip 512² → 2×2 mean → 2× → PSNR (dB)");
console.log("upscaler".padEnd(16), "astronaut".padStart(10), "hayao-styled".padStart(13));
const psnrs = {};
for (const upscaler of listUpscalers()) {
  const photo = psnr((await upscale(small, { ...options, upscaler })).data, astronaut.data);
  const anime = psnr((await upscale(styledSmall, { ...options, upscaler })).data, styled.data);
  psnrs[upscaler] = photo;
  console.log(upscaler.padEnd(16), photo.toFixed(2).padStart(10), anime.toFixed(2).padStart(13));
}
const sharpPhoto = psnr(await sharpEnlarge(small), astronaut.data);
const sharpAnime = psnr(await sharpEnlarge(styledSmall), styled.data);
console.log("sharp lanczos3".padEnd(16), sharpPhoto.toFixed(2).padStart(10), sharpAnime.toFixed(2).padStart(13), " (half-pixel shift; not used)");
console.log(`core Lanczos − sharp: ${(psnrs.lanczos - sharpPhoto).toFixed(2)} dB`);

// --- Speed ------------------------------------------------------------------------------
// A size² tile of the photo, repeated when size > 512.
const input = { data: new Uint8ClampedArray(size * size * 3), width: size, height: size, channels: 3 };
for (let y = 0; y < size; y++)
  for (let x = 0; x < size; x++) {
    const s = ((y % 512) * 512 + (x % 512)) * 3;
    input.data.set(astronaut.data.subarray(s, s + 3), (y * size + x) * 3);
  }
const inMp = (size * size) / 1e6;
// The tiles `upscale()` runs, counted from its progress events (one when it runs whole).
let tiles = 1;
await upscale(input, { ...options, upscaler: "waifu2x", onProgress: (e) => e.stage === "tile" && (tiles = e.total) });
console.log(`\n${size}² is upscaled in ${tiles === 1 ? "one whole run" : `${tiles} tiles of 256²`}; the raw column runs the same.`);
console.log(`\nSpeed: ${size}² → ${2 * size}² (ms; per MP of input and of output)`);
console.log("upscaler".padEnd(16), "session.run".padStart(12), "upscale()".padStart(10), "ratio".padStart(6), "ms/MP in".padStart(9), "ms/MP out".padStart(10));
for (const upscaler of listUpscalers()) {
  const spec = listModels("upscaler").find((m) => m.id === upscaler);
  let raw;
  if (spec) {
    const session = await ort.InferenceSession.create(await readFile(join(modelDir, spec.file)), {
      graphOptimizationLevel: "all",
      executionProviders: ["cpu"],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const tensors = rawTiles(input, tiles).map((tile) => new ort.Tensor("float32", planarRgb(tile), [1, 3, tile.height, tile.width]));
    raw = async () => {
      for (const tensor of tensors) await session.run({ [spec.input.name]: tensor });
    };
    await raw();
  }
  const whole = () => upscale(input, { ...options, upscaler });
  await whole();
  const rawTimes = [];
  const wholeTimes = [];
  for (let i = 0; i < runs; i++) {
    if (raw) rawTimes.push(await time(raw));
    wholeTimes.push(await time(whole));
  }
  const r = raw ? median(rawTimes) : undefined;
  const w = median(wholeTimes);
  console.log(
    upscaler.padEnd(16),
    (r === undefined ? "—" : r.toFixed(0)).padStart(12),
    w.toFixed(0).padStart(10),
    (r === undefined ? "—" : (w / r).toFixed(2)).padStart(6),
    (w / inMp).toFixed(0).padStart(9),
    (w / (4 * inMp)).toFixed(0).padStart(10),
  );
}

/**
 * The raw runs' inputs: the whole image, or `count` tiles of 256² laid out as the tiler does
 * (evenly spaced starts from 0 to the far edge on each axis, a square grid here).
 */
function rawTiles(image, count) {
  if (count === 1) return [image];
  const side = 256;
  const perAxis = Math.round(Math.sqrt(count));
  if (perAxis * perAxis !== count) throw new Error(`expected a square grid of tiles, got ${count}`);
  const starts = Array.from({ length: perAxis }, (_, i) => Math.round((i * (image.width - side)) / (perAxis - 1)));
  return starts.flatMap((top) => starts.map((left) => crop(image, left, top, side)));
}

function crop(image, left, top, side) {
  const data = new Uint8ClampedArray(side * side * 3);
  for (let y = 0; y < side; y++) data.set(image.data.subarray(((top + y) * image.width + left) * 3, ((top + y) * image.width + left + side) * 3), y * side * 3);
  return { data, width: side, height: side, channels: 3 };
}

/** Interleaved RGB bytes → planar [3, H, W] floats in 0..1 (the upscalers' NCHW input). */
function planarRgb({ data, width, height }) {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = data[i * 3 + c] / 255;
  return out;
}

// --- Colour -----------------------------------------------------------------------------
console.log("\nColour modes, hayao-v2: mean luma error vs the photo; mean CbCr distance to the photo; max luma change");
console.log("photo".padEnd(14), "model".padStart(7), "match".padStart(7), "chroma model".padStart(13), "preserve".padStart(9), "ratio".padStart(6), "max ΔY".padStart(7));
for (const name of ["china.jpg", "astronaut.png"]) {
  const photo = await readRgb(name);
  const out = {};
  for (const color of ["model", "match", "preserve"]) out[color] = (await stylizer.stylize(photo, { style: "hayao-v2", color })).data;
  const target = meanLuma(photo.data);
  const err = (rgb) => `${((100 * Math.abs(meanLuma(rgb) - target)) / target).toFixed(2)}%`;
  const cm = meanChromaDistance(out.model, photo.data);
  const cp = meanChromaDistance(out.preserve, photo.data);
  const worst = maxLumaChange(out.model, out.preserve);
  console.log(name.padEnd(14), err(out.model).padStart(7), err(out.match).padStart(7), cm.toFixed(2).padStart(13), cp.toFixed(2).padStart(9), (cp / cm).toFixed(2).padStart(6), worst.toFixed(2).padStart(7));
}
await stylizer.dispose();
