// Video benchmark (issue 13): flicker of per-frame vs frozen-statistics stylization on a still
// shot with sensor noise, per-shot statistics on a cut, frames/s at 640×360 and 1280×720, and
// the pipeline's overhead over raw model time per frame (measured interleaved in one run).
// Run after `npm run build`:
//   ANIME2D_MODEL_DIR=../shared/models node scripts/bench-video.mjs [--style hayao] [--frames 12] [--skip-speed] [--skip-flicker]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStylizer, stylizeVideo } from "../dist/node/index.js";

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const style = arg("--style") ?? "hayao";
const speedFrames = Number(arg("--frames") ?? 12);
const threads = Number(arg("--threads") ?? 2);
const photo = (name) => fileURLToPath(new URL(`../../shared/photos/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "anime2d-bench-video-"));
const ffmpeg = (...a) => execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...a]);
const x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p"];
const stillClip = (file, size, seconds, filter, out) =>
  ffmpeg("-loop", "1", "-framerate", "24", "-i", photo(file), "-vf", `scale=${size},${filter}setsar=1`, "-t", String(seconds), ...x264, join(dir, out));

function decodeAll(file, width, height) {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const frames = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push(raw.subarray(o, o + size));
  return frames;
}
/** Mean absolute change between consecutive frames, in 8-bit levels. */
function meanChange(frames) {
  let sum = 0;
  for (let i = 1; i < frames.length; i++) {
    let d = 0;
    for (let j = 0; j < frames[i].length; j++) d += Math.abs(frames[i][j] - frames[i - 1][j]);
    sum += d / frames[i].length;
  }
  return sum / (frames.length - 1);
}
function psnr(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (s / a.length));
}

const stylizer = createStylizer({ threads });
const face = "off";
console.log(`# anime2d video bench (style ${style}, ${threads} threads)\n`);
try {
  if (!args.includes("--skip-flicker")) {
  // 1. Flicker on a still shot with sensor-like noise.
  stillClip("coffee.png", "320:180", 2, "noise=alls=10:allf=t,", "noise.mp4");
  const input = join(dir, "noise.mp4");
  const inputChange = meanChange(decodeAll(input, 320, 180));
  const modes = [
    ["per-frame (every frame alone, as peers do)", { temporal: "per-frame" }],
    ["frozen statistics only", { temporal: "frozen", steady: 0 }],
    ["frozen statistics + steady blend (default)", { temporal: "frozen" }],
  ];
  console.log("## Flicker: still shot with sensor noise, 320×180, 48 frames\n");
  console.log(`Input's mean absolute frame-to-frame change: ${inputChange.toFixed(2)} levels.\n`);
  console.log("| mode | output change | output / input | vs per-frame |");
  console.log("|---|---|---|---|");
  let perFrame;
  for (const [name, options] of modes) {
    const output = join(dir, `noise-${name.length}.mp4`);
    await stylizeVideo(input, { style, face, output, stylizer, crf: 12, ...options });
    const change = meanChange(decodeAll(output, 320, 180));
    perFrame ??= change;
    console.log(`| ${name} | ${change.toFixed(2)} | ${(change / inputChange).toFixed(2)} | ${(change / perFrame).toFixed(2)} |`);
  }

  // 2. A hard cut: each shot is run with its own statistics.
  ffmpeg(
    "-loop", "1", "-framerate", "24", "-t", "0.5", "-i", photo("china.jpg"),
    "-loop", "1", "-framerate", "24", "-t", "0.5", "-i", photo("rocket.jpg"),
    "-filter_complex", "[0:v]scale=320:180,setsar=1[a];[1:v]scale=320:180,setsar=1[b];[a][b]concat=n=2:v=1[v]",
    "-map", "[v]", ...x264, join(dir, "cut.mp4"),
  );
  const cut = await stylizeVideo(join(dir, "cut.mp4"), { style, face, output: join(dir, "cut-out.mp4"), stylizer, crf: 12, steady: 0 });
  const cutIn = decodeAll(join(dir, "cut.mp4"), 320, 180);
  const cutOut = decodeAll(join(dir, "cut-out.mp4"), 320, 180);
  const asImage = (data) => ({ data, width: 320, height: 180, channels: 3 });
  const firstStats = await stylizer.measureStatistics([asImage(cutIn[0])], { style });
  console.log(`\n## Hard cut (china → rocket at 0.5 s): ${cut.shots} shots detected\n`);
  console.log("| frame | PSNR vs that frame stylized alone | PSNR vs run with the first shot's statistics |");
  console.log("|---|---|---|");
  for (const i of [6, 18]) {
    const alone = await stylizer.stylize(asImage(cutIn[i]), { style, face });
    const carried = await stylizer.stylize(asImage(cutIn[i]), { style, face, statistics: firstStats });
    console.log(`| ${i} (shot ${i < 12 ? 1 : 2}) | ${psnr(cutOut[i], alone.data).toFixed(1)} dB | ${psnr(cutOut[i], carried.data).toFixed(1)} dB |`);
  }

  }

  // 3. Speed and overhead, interleaved: raw model time per frame vs the whole pipeline, in
  // per-frame mode (decode, copies, encode) and frozen mode (plus the shot's statistics run
  // on its first frames and the steady blend; the statistics cost shrinks as shots get longer).
  if (!args.includes("--skip-speed")) {
    const speedStyle = arg("--speed-style") ?? style;
    console.log(`\n## Speed (${speedFrames} frames of a slow pan, one shot, ${speedStyle}, createStylizer() defaults: worker pool)\n`);
    console.log("| size | raw stylize() per frame | per-frame mode: per frame, fps, overhead | frozen mode: per frame, fps, overhead |");
    console.log("|---|---|---|---|");
    for (const [w, h] of [[640, 360], [1280, 720]]) {
      const clip = join(dir, `pan-${w}.mp4`);
      ffmpeg("-loop", "1", "-framerate", "24", "-i", photo("china.jpg"), "-vf", `scale=${w * 1.25}:-2,crop=${w}:${h}:x='t*40':y=10,setsar=1`, "-frames:v", String(speedFrames), ...x264, clip);
      const frames = decodeAll(clip, w, h).map((d) => ({ data: d, width: w, height: h, channels: 3 }));
      const options = { style: speedStyle, face };
      await stylizer.stylize(frames[0], options); // warm-up
      const best = { raw: Infinity, perFrame: Infinity, frozen: Infinity };
      const timed = async (key, fn) => {
        const t = performance.now();
        await fn();
        best[key] = Math.min(best[key], (performance.now() - t) / frames.length);
      };
      for (let round = 0; round < 2; round++) {
        await timed("raw", async () => { for (const f of frames) await stylizer.stylize(f, options); });
        await timed("perFrame", () => stylizeVideo(clip, { ...options, stylizer, temporal: "per-frame", output: join(dir, `pan-${w}-a.mp4`) }));
        await timed("frozen", () => stylizeVideo(clip, { ...options, stylizer, output: join(dir, `pan-${w}-b.mp4`) }));
      }
      const cell = (ms) => `${ms.toFixed(0)} ms, ${(1000 / ms).toFixed(2)} fps, ${(((ms - best.raw) / best.raw) * 100).toFixed(1)}%`;
      console.log(`| ${w}×${h} | ${best.raw.toFixed(0)} ms | ${cell(best.perFrame)} | ${cell(best.frozen)} |`);
    }
  }
} finally {
  await stylizer.dispose();
  rmSync(dir, { recursive: true, force: true });
}
