import { once } from "node:events";
import { Anime2dError, splitAlpha, type RawImage } from "@anime2d/core";
import { rename, rm } from "node:fs/promises";
import { lastLines, runTool, spawnTool, type FfmpegPaths } from "./ffmpeg.js";
import { matroskaFrame, matroskaHeader } from "./matroska.js";
import { passthrough } from "./decode.js";
import type { VideoInfo } from "./probe.js";

/** Output container: MP4 (H.264, yuv420p) or WebM (VP9). */
export type VideoFormat = "mp4" | "webm";

/** Encoder settings of `stylizeVideo()`. */
export interface EncodeSettings {
  format: VideoFormat;
  /** Constant rate factor: lower is better and bigger (default 20 for H.264, 32 for VP9). */
  crf?: number;
  /** x264 preset (default "veryfast"); ignored for WebM. */
  preset?: string;
}

/** Audio codecs each container takes as they are; anything else is re-encoded. */
const COPYABLE_AUDIO: Record<VideoFormat, Set<string>> = {
  mp4: new Set(["aac", "mp3", "alac", "ac3", "eac3", "opus"]),
  webm: new Set(["opus", "vorbis"]),
};

/**
 * The encoding ffmpeg: stylized frames arrive on stdin as Matroska (raw RGB with each
 * frame's timestamp, so variable frame rate survives), the source file is its second input
 * for the audio (copied when the container takes it). Frames are turned back to the coded
 * orientation and the rotation is written as metadata, so the output displays like the
 * input and has its size.
 */
export class FrameEncoder {
  private process?: ReturnType<typeof spawnTool>;
  private firstTime = 0;

  constructor(
    private readonly tools: FfmpegPaths,
    private readonly source: string,
    private readonly info: VideoInfo,
    private readonly target: string,
    private readonly settings: EncodeSettings,
  ) {}

  async write(image: RawImage, timestamp: number): Promise<void> {
    if (!this.process) this.start(image.width, image.height, timestamp);
    const stdin = this.process!.child.stdin!;
    const rgb = splitAlpha(image).rgb;
    for (const part of matroskaFrame(timestamp - this.firstTime, new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length))) {
      if (!stdin.write(part)) await Promise.race([once(stdin, "drain"), this.failure()]);
    }
  }

  /** Closes the input and waits for ffmpeg to finish the file. */
  async finish(): Promise<void> {
    if (!this.process) throw new Anime2dError("ENCODE_FAILED", "No frame was encoded.");
    this.process.child.stdin!.end();
    const status = await this.process.exited;
    if (status !== 0) throw this.error(status);
    if (this.info.rotation && this.tools.major < 7) await this.tagRotation();
  }

  /**
   * ffmpeg ≤ 6 writes the `rotate` tag as a display matrix only when copying streams, so the
   * rotation is set by a quick remux (no re-encoding) after the encode.
   */
  private async tagRotation(): Promise<void> {
    const tagged = `${this.target}.rotated`;
    try {
      const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", this.target, "-map", "0", "-c", "copy", "-metadata:s:v:0", `rotate=${this.info.rotation}`];
      await runTool(this.tools.ffmpeg, [...args, ...(this.settings.format === "mp4" ? ["-movflags", "+faststart"] : []), "-f", this.settings.format, "-y", tagged], "ENCODE_FAILED", "Writing the rotation");
      await rename(tagged, this.target);
    } finally {
      await rm(tagged, { force: true });
    }
  }

  /** Stops ffmpeg at once (abort or failure). */
  kill(): void {
    if (this.process && this.process.child.exitCode === null) this.process.child.kill("SIGKILL");
  }

  private start(width: number, height: number, firstTime: number): void {
    const { tools, info, settings } = this;
    this.firstTime = firstTime;
    const frameDuration = info.fps ? 1 / info.fps : 0;
    const audioCopy = info.audio.every((codec) => COPYABLE_AUDIO[settings.format].has(codec));
    const args = [
      "-hide_banner", "-nostdin", "-loglevel", "error",
      // The pipe's first frame starts where the source's first frame did (relative to the source's start, as its audio).
      "-itsoffset", firstTime.toFixed(6), ...displayRotation(tools, info.rotation), "-f", "matroska", "-i", "pipe:0",
      "-i", this.source,
      "-map", "0:v:0", "-map", "1:a?",
      ...filters(info, width, height),
      ...videoCodec(settings),
      ...passthrough(tools), "-enc_time_base:v", tools.major >= 7 ? "demux" : "-1",
      "-c:a", audioCopy ? "copy" : settings.format === "webm" ? "libopus" : "aac",
      ...(settings.format === "mp4" ? ["-movflags", "+faststart"] : []),
      "-f", settings.format, "-y", this.target,
    ];
    this.process = spawnTool(tools.ffmpeg, args, ["pipe", "ignore", "pipe"]);
    this.process.child.stdin!.on("error", () => {}); // a dead ffmpeg is reported by its exit status
    this.process.child.stdin!.write(matroskaHeader(width, height, frameDuration));
  }

  private async failure(): Promise<never> {
    throw this.error(await this.process!.exited);
  }

  private error(status: number): Anime2dError {
    return new Anime2dError("ENCODE_FAILED", `ffmpeg could not encode the video (exit ${status}): ${lastLines(this.process!.stderr())}`);
  }
}

function videoCodec({ format, crf, preset }: EncodeSettings): string[] {
  if (format === "webm") return ["-c:v", "libvpx-vp9", "-crf", String(crf ?? 32), "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-pix_fmt", "yuv420p"];
  return ["-c:v", "libx264", "-crf", String(crf ?? 20), "-preset", preset ?? "veryfast", "-pix_fmt", "yuv420p"];
}

/** Back to the coded orientation (undoing ffmpeg's autorotation), sample aspect ratio kept, even size for 4:2:0. */
function filters(info: VideoInfo, width: number, height: number): string[] {
  const chain = [];
  if (info.rotation === 90) chain.push("transpose=clock");
  else if (info.rotation === 180) chain.push("hflip,vflip");
  else if (info.rotation === 270) chain.push("transpose=cclock");
  if (width % 2 || height % 2) chain.push("pad=ceil(iw/2)*2:ceil(ih/2)*2");
  if (info.sampleAspectRatio && info.sampleAspectRatio !== "1:1") chain.push(`setsar=${info.sampleAspectRatio.replace(":", "/")}`);
  return chain.length ? ["-vf", chain.join(",")] : [];
}

/** ffmpeg ≥ 7 dropped the tag for a display-matrix option on the input (not autorotated). */
function displayRotation(tools: FfmpegPaths, rotation: number): string[] {
  return tools.major >= 7 && rotation ? ["-autorotate", "0", "-display_rotation", String(rotation)] : [];
}
