// Before/after frames of a short clip for docs/video.md. Run after `npm run build`:
//   ANIME2D_MODEL_DIR=../shared/models node scripts/video-images.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stylizeVideo } from "../dist/node/index.js";

const photo = (name) => fileURLToPath(new URL(`../../shared/photos/${name}`, import.meta.url));
const out = (name) => fileURLToPath(new URL(`../docs/images/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "anime2d-video-images-"));
const ffmpeg = (...a) => execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...a]);
try {
  const clip = join(dir, "pan.mp4");
  ffmpeg("-loop", "1", "-framerate", "24", "-i", photo("china.jpg"), "-vf", "scale=600:-2,crop=400:226:x='t*50':y=100,setsar=1", "-t", "2", "-c:v", "libx264", "-crf", "16", "-pix_fmt", "yuv420p", clip);
  const styled = join(dir, "pan-hayao.mp4");
  await stylizeVideo(clip, { style: "hayao", output: styled, crf: 16 });
  // Frames 0, 24 and 47: photo row above, stylized row below.
  const pick = "select='eq(n\\,0)+eq(n\\,24)+eq(n\\,47)',tile=3x1";
  ffmpeg("-i", clip, "-i", styled, "-filter_complex", `[0:v]${pick}[a];[1:v]${pick}[b];[a][b]vstack`, "-frames:v", "1", "-q:v", "4", out("video-pan-hayao.jpg"));
  console.log(`wrote ${out("video-pan-hayao.jpg")}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
