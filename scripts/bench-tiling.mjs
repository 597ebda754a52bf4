// Tiling benchmark: tiled vs whole-image PSNR per style at 1024², and time per megapixel and
// peak memory of a 16 MP (4096²) photo vs a 1 MP one. Run after `npm run build`:
//   ANIME2D_MODEL_DIR=../shared/models npm run bench:tiling [-- --styles hayao,shinkai] [-- --skip-psnr] [-- --skip-16mp]
// Each large run happens in a fresh child process so its peak RSS is its own.
import { execFileSync } from "node:child_process";
import { mkdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const root = fileURLToPath(new URL("..", import.meta.url));
const photos = process.env.ANIME2D_PHOTO_DIR ?? `${root}../shared/photos`;
const outDir = `${root}test-output`;
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

if (flag("--child")) await child(value("--child"), value("--style") ?? "hayao");
else await main();

async function main() {
  if (!process.env.ANIME2D_MODEL_DIR) console.warn("ANIME2D_MODEL_DIR is not set; models are looked up in the default places.");
  mkdirSync(outDir, { recursive: true });
  // The large runs go first: a child's maxRSS starts from its parent's RSS at fork (Linux
  // copies the high-water mark), so the parent must still be small.
  if (!flag("--skip-16mp")) largePhoto();
  if (!flag("--skip-psnr")) await psnrTable();
}

/** Tiled vs whole-image PSNR for each style on model_face.jpg resized to 1024². */
async function psnrTable() {
  const { createStylizer, listStyles } = await import("../dist/node/index.js");
  const { data, info } = await sharp(`${photos}/model_face.jpg`).resize(1024, 1024, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  const styles = value("--styles")?.split(",") ?? listStyles().map((s) => s.id);
  const stylizer = createStylizer({ threads: Number(process.env.THREADS ?? 0) || undefined });
  const rows = [];
  console.log("PSNR (dB) of tiled vs whole-image output, model_face.jpg at 1024×1024; times of warm runs");
  console.log("style | plain 256/32 | harmonised 256/32 | plain 512/64 | harmonised 512/64 | whole s | harmonised 256/32 s | ratio");
  const seconds = async (run) => {
    const t = performance.now();
    await run();
    return (performance.now() - t) / 1000;
  };
  for (const style of styles) {
    // The quality pass opens the model (file read, sha256, session), builds the frozen-
    // statistics session and grows ONNX Runtime's memory for every shape used below; it is
    // not timed, so the timed runs after it carry none of those one-off costs.
    const whole = await stylizer.stylize(image, { style, tile: false });
    const cells = [];
    for (const [size, overlap, harmonise] of [[256, 32, false], [256, 32, true], [512, 64, false], [512, 64, true]]) {
      const tiled = await stylizer.stylize(image, { style, tile: { size, overlap, harmonise } });
      cells.push(psnr(whole.data, tiled.data).toFixed(2));
    }
    const wholeS = await seconds(() => stylizer.stylize(image, { style, tile: false }));
    const harmS = await seconds(() => stylizer.stylize(image, { style, tile: { size: 256, overlap: 32, harmonise: true } }));
    rows.push([style, ...cells, wholeS.toFixed(1), harmS.toFixed(1), (harmS / wholeS).toFixed(2)]);
    console.log(rows.at(-1).join(" | "));
  }
  await stylizer.dispose();
}

/** 16 MP vs 1 MP: time per megapixel and peak RSS, each in its own process. */
function largePhoto() {
  const style = value("--style") ?? "hayao";
  const results = {};
  for (const side of [1024, 4096]) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", String(side), "--style", style], { encoding: "utf8", env: process.env });
    results[side] = JSON.parse(out.trim().split("\n").at(-1));
    console.log(`${side}×${side} (${style}):`, results[side]);
  }
  const ratio = results[4096].msPerMP / results[1024].msPerMP;
  const cpuRatio = results[4096].cpuMsPerMP / results[1024].cpuMsPerMP;
  console.log(`time per MP, 16 MP vs 1 MP: ${ratio.toFixed(2)}× wall clock, ${cpuRatio.toFixed(2)}× CPU time (goal ≤ 1.2×)`);
  console.log(`peak RSS of the 16 MP process: ${(results[4096].maxRssMB / 1024).toFixed(2)} GB (goal ≤ 1.5 GB)`);
}

/** One photo of side² pixels, made by resizing a shared photo, stylized with tile "auto". */
async function child(sideText, style) {
  const side = Number(sideText);
  const file = `${outDir}/bench-tiling-${side}.jpg`;
  if (!existsSync(file)) {
    await sharp(`${photos}/model_face.jpg`).resize(side, side, { fit: "fill", kernel: "lanczos3" }).jpeg({ quality: 92 }).toFile(file);
  }
  sharp.cache(false);
  const { stylize } = await import("../dist/node/index.js");
  // Warm-up on a small photo that also tiles, so session creation and graph analysis are not timed.
  const warm = `${outDir}/bench-tiling-warm.jpg`;
  if (!existsSync(warm)) await sharp(`${photos}/model_face.jpg`).resize(1088, 1088, { fit: "fill" }).jpeg().toFile(warm);
  await stylize(warm, { style });
  const rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
  let tiles = 0;
  let sampledPeak = 0;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 20);
  // CPU time as well as wall clock: on a shared machine other jobs stretch the wall clock.
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = await stylize(file, { style, onProgress: (e) => { if (e.stage === "tile") tiles = e.total; } });
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const cpuMs = (used.user + used.system) / 1000;
  const mp = (side * side) / 1e6;
  console.log(JSON.stringify({ width: out.width, height: out.height, tiles, ms: Math.round(ms), msPerMP: Math.round(ms / mp), cpuMsPerMP: Math.round(cpuMs / mp), rssBeforeMB: Math.round(rssBeforeMB), sampledPeakRssMB: Math.round(sampledPeak / 2 ** 20), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

function psnr(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i] - b[i]; sum += d * d; }
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}
