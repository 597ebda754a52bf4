import { Anime2dError, type VideoFrame } from "@anime2d/core";
import { lastLines, spawnTool, type FfmpegPaths } from "./ffmpeg.js";
import type { VideoInfo } from "./probe.js";

/** The frame size after ffmpeg applies the display rotation. */
export function displaySize(info: VideoInfo): { width: number; height: number } {
  return info.rotation % 180 === 90 ? { width: info.height, height: info.width } : { width: info.width, height: info.height };
}

/** `-fps_mode passthrough` (ffmpeg ≥ 6) or its older spelling: every decoded frame, its own timestamp. */
export function passthrough(tools: FfmpegPaths): string[] {
  return tools.major >= 6 ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"];
}

/**
 * Decodes a file's first video stream to RGB frames, upright (display rotation applied),
 * streamed through a pipe: one frame is read at a time, and ffmpeg waits while the consumer
 * does. Each frame's presentation time (relative to the file's start, as ffmpeg aligns the
 * audio) is read from the `showinfo` filter's log. Leaving the loop early stops ffmpeg.
 */
export async function* decodeFrames(tools: FfmpegPaths, file: string, info: VideoInfo): AsyncGenerator<VideoFrame> {
  const { width, height } = displaySize(info);
  const frameBytes = width * height * 3;
  const args = ["-hide_banner", "-nostdin", "-loglevel", "info", "-i", file, "-map", "0:v:0", "-vf", "showinfo", ...passthrough(tools), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"];
  const { child, stderr, exited } = spawnTool(tools.ffmpeg, args);
  const times = new FrameTimes(info.fps ?? 25);
  child.stderr!.on("data", (chunk: string) => times.feed(chunk));
  let frame = new Uint8ClampedArray(frameBytes);
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(chunk.length - offset, frameBytes - filled);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          const timestamp = await times.of(index++, exited);
          yield { image: { data: frame, width, height }, timestamp };
          frame = new Uint8ClampedArray(frameBytes);
          filled = 0;
        }
      }
    }
    const status = await exited;
    if (status !== 0) throw new Anime2dError("DECODE_FAILED", `ffmpeg could not decode ${file} (exit ${status}): ${lastLines(errorLines(stderr()))}`);
    if (index === 0) throw new Anime2dError("DECODE_FAILED", `${file} has no decodable video frame.`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

function errorLines(log: string): string {
  return log.split(/[\r\n]+/).filter((l) => !l.includes("showinfo") && !l.startsWith("frame=")).join("\n");
}

/** Frame timestamps parsed from `showinfo` lines (`config in time_base: 1/N`, `n: i pts: p`). */
class FrameTimes {
  private timeBase = 0;
  private readonly known: number[] = [];
  private pending = "";
  private waiting?: () => void;

  constructor(private readonly fps: number) {}

  feed(chunk: string): void {
    const lines = (this.pending + chunk).split(/[\r\n]/);
    this.pending = lines.pop() ?? "";
    for (const line of lines) {
      const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
      if (tb) this.timeBase = Number(tb[1]) / Number(tb[2]);
      const m = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)/.exec(line);
      if (m && this.timeBase > 0) this.known[Number(m[1])] = Number(m[2]) * this.timeBase;
    }
    this.waiting?.();
  }

  /** The timestamp of frame `i`, waiting for its log line (or estimated from the rate if ffmpeg exits first). */
  async of(i: number, exited: Promise<number>): Promise<number> {
    let done = false;
    void exited.then(() => {
      done = true;
      this.waiting?.();
    });
    while (this.known[i] === undefined && !done) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.known[i] ?? (this.known[i - 1] !== undefined ? this.known[i - 1] + 1 / this.fps : i / this.fps);
  }
}
