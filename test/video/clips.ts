import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { photo } from "../fixtures/paths.js";

/** Test clips made with ffmpeg from the shared photos, small and short so the suite stays fast. */
export interface Clips {
  dir: string;
  /** Slow pan over a landscape, 320×180, 24 fps, 1 s. */
  pan: string;
  /** A still photo with sensor-like noise changing every frame, 192×108, 24 fps, 1 s. */
  noise: string;
  /** A hard cut between two photos at 0.5 s, 192×108, 24 fps, 1 s. */
  cut: string;
  /** A portrait with a face, slowly panning, 256×256, 8 fps, 1 s. */
  portrait: string;
  /** The pan with a 440 Hz AAC track. */
  audio: string;
  /** The audio clip tagged with a 90° display rotation. */
  rotated: string;
  /** Variable frame rate: frames at irregular intervals. */
  vfr: string;
  cleanup(): void;
}

export function ffmpeg(...args: string[]): string {
  return execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { encoding: "utf8" });
}

/** Size of the noise and cut clips (run with hayao, the slower generator). */
export const SMALL = { width: 192, height: 108 };

export function makeClips(): Clips {
  const dir = mkdtempSync(join(tmpdir(), "anime2d-video-"));
  const at = (name: string) => join(dir, name);
  const x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"];
  const still = (file: string, filter: string, out: string, fps = 24) =>
    ffmpeg("-loop", "1", "-framerate", String(fps), "-i", photo(file), "-vf", `${filter},setsar=1`, "-t", "1", ...x264, at(out));
  still("china.jpg", "scale=480:-2,crop=320:180:x='t*40':y=60", "pan.mp4");
  still("coffee.png", "scale=192:108,noise=alls=10:allf=t", "noise.mp4");
  ffmpeg(
    "-loop", "1", "-framerate", "24", "-t", "0.5", "-i", photo("china.jpg"),
    "-loop", "1", "-framerate", "24", "-t", "0.5", "-i", photo("rocket.jpg"),
    "-filter_complex", "[0:v]scale=192:108,setsar=1[a];[1:v]scale=192:108,setsar=1[b];[a][b]concat=n=2:v=1[v]",
    "-map", "[v]", ...x264, at("cut.mp4"),
  );
  still("astronaut.png", "scale=288:288,crop=256:256:x='t*24':y=16", "portrait.mp4", 8);
  ffmpeg("-i", at("pan.mp4"), "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", at("audio.mp4"));
  ffmpeg("-i", at("audio.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", at("rotated.mp4"));
  // Keep frames 0–5, then every third: gaps of 1/24 s and 1/8 s in one stream.
  ffmpeg("-i", at("pan.mp4"), "-vf", "select='lt(n\\,6)+not(mod(n\\,3))'", "-fps_mode", "vfr", ...x264, at("vfr.mp4"));
  return {
    dir,
    pan: at("pan.mp4"),
    noise: at("noise.mp4"),
    cut: at("cut.mp4"),
    portrait: at("portrait.mp4"),
    audio: at("audio.mp4"),
    rotated: at("rotated.mp4"),
    vfr: at("vfr.mp4"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What the tests compare between input and output, read with ffprobe. */
export interface StreamFacts {
  width: number;
  height: number;
  rotation: number;
  frames: number;
  duration: number;
  videoStart: number;
  audio?: { codec: string; start: number; duration: number };
  /** Presentation times of every video frame. */
  times: number[];
}

export function probe(file: string): StreamFacts {
  const json = JSON.parse(
    execFileSync("ffprobe", ["-v", "error", "-count_frames", "-show_streams", "-of", "json", file], { encoding: "utf8" }),
  ) as { streams: Record<string, any>[] };
  const video = json.streams.find((s) => s.codec_type === "video")!;
  const audio = json.streams.find((s) => s.codec_type === "audio");
  const times = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", file], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => Number(l.split(",")[0]));
  return {
    width: video.width,
    height: video.height,
    rotation: video.side_data_list?.find((d: { rotation?: number }) => d.rotation !== undefined)?.rotation ?? 0,
    frames: Number(video.nb_read_frames),
    duration: Number(video.duration),
    videoStart: Number(video.start_time),
    audio: audio ? { codec: audio.codec_name, start: Number(audio.start_time), duration: Number(audio.duration) } : undefined,
    times,
  };
}

/** Decodes every frame of a file to RGB (display orientation) at its own size. */
export function decodeAll(file: string, width: number, height: number): Uint8Array[] {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push(new Uint8Array(raw.buffer, raw.byteOffset + o, size));
  return frames;
}

/** PSNR in dB between two 8-bit buffers. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length || 1e-10));
}
