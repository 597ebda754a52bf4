import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import {
  Anime2dError,
  stylizeFrames,
  throwIfAborted,
  type FramesOptions,
  type Stylizer,
  type StylizerOptions,
} from "@anime2d/core";
import { findFfmpeg } from "./ffmpeg.js";
import { probeVideo, type VideoInfo } from "./probe.js";
import { decodeFrames } from "./decode.js";
import { FrameEncoder, type EncodeSettings, type VideoFormat } from "./encode.js";

/** Progress of `stylizeVideo()`, after each frame written. */
export interface VideoProgress {
  /** Frames written so far. */
  done: number;
  /** Frames in the input, when the container says (else undefined). */
  total?: number;
  /** Frames per second since the start. */
  fps: number;
  /** Seconds since the start. */
  elapsed: number;
  /** Shots found so far. */
  shots: number;
}

/** Options of `stylizeVideo()`: stylize and temporal options, plus the output. */
export interface StylizeVideoOptions extends Omit<FramesOptions, "onProgress">, Partial<EncodeSettings> {
  /** Output file (default: beside the input, `<name>-<style>.<format>`). */
  output?: string;
  /** Output container; default from `output`'s extension, else `"mp4"`. */
  format?: VideoFormat;
  /** Receives a {@link VideoProgress} after each frame. */
  onProgress?: (progress: VideoProgress) => void;
  /** ffmpeg executable (default `ANIME2D_FFMPEG`, then PATH); ffprobe is looked up beside it. */
  ffmpeg?: string;
  /** A stylizer to run the frames on (e.g. a shared one); default: one created for this call and disposed after. */
  stylizer?: Stylizer;
  /** Options of the stylizer created when none is given (model folder, workers, threads…). */
  stylizerOptions?: StylizerOptions & { worker?: boolean; workers?: number; maxQueue?: number };
}

/** What `stylizeVideo()` produced. */
export interface StylizeVideoResult {
  output: string;
  frames: number;
  shots: number;
  /** The input's properties as ffprobe read them. */
  input: VideoInfo;
  seconds: number;
}

/**
 * Stylizes a video file into a new one with its sound, frame count, timing, size and
 * rotation. Frames stream through ffmpeg pipes; see docs/video.md.
 */
export async function stylizeVideoWith(deps: VideoDeps, input: string, options: StylizeVideoOptions = {}): Promise<StylizeVideoResult> {
  const { output, format: formatOption, crf, preset, onProgress, ffmpeg, stylizer: given, stylizerOptions, signal, ...frameOptions } = options;
  const format = formatOption ?? formatOf(output);
  if (format !== "mp4" && format !== "webm") throw new Anime2dError("INVALID_OPTION", `format must be "mp4" or "webm", got ${JSON.stringify(format)}.`);
  if (typeof input !== "string" || input.length === 0) throw new Anime2dError("INVALID_INPUT", "stylizeVideo() takes a video file path.");
  const tools = findFfmpeg(ffmpeg);
  throwIfAborted(signal);
  const info = await probeVideo(tools, input);
  const target = output ?? join(dirname(input), `${basename(input, extname(input))}-${frameOptions.style ?? "anime"}.${format}`);
  // Written under a temporary name and renamed at the end: an abort or a failure leaves no partial file.
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.partial`);
  const encoder = new FrameEncoder(tools, input, info, partial, { format, crf, preset });
  const stylizer = given ?? deps.createStylizer(stylizerOptions);
  const progress = (p: VideoProgress) => {
    try {
      onProgress?.(p);
    } catch {
      // A throwing progress handler must not abort the user's work.
    }
  };
  const started = performance.now();
  let frames = 0;
  let shots = 0;
  try {
    const stylized = stylizeFrames(decodeFrames(tools, input, info), stylizer, { ...frameOptions, signal });
    for await (const { frame, image, shot } of stylized) {
      throwIfAborted(signal);
      await encoder.write(image, frame.timestamp);
      frames++;
      shots = shot + 1;
      const elapsed = (performance.now() - started) / 1000;
      progress({ done: frames, total: info.frames, fps: frames / elapsed, elapsed, shots });
    }
    throwIfAborted(signal);
    await encoder.finish();
    await rename(partial, target);
  } catch (error) {
    encoder.kill();
    await rm(partial, { force: true });
    throw error;
  } finally {
    if (!given) await stylizer.dispose();
  }
  return { output: target, frames, shots, input: info, seconds: (performance.now() - started) / 1000 };
}

/** The Node adapter's functions video runs on. */
export interface VideoDeps {
  createStylizer(options?: StylizerOptions): Stylizer;
}

function formatOf(output: string | undefined): VideoFormat {
  return output && extname(output).toLowerCase() === ".webm" ? "webm" : "mp4";
}

export type { VideoInfo, VideoFormat };
