import { Anime2dError } from "@anime2d/core";
import { runTool, type FfmpegPaths } from "./ffmpeg.js";

/** What video needs to know about an input file. */
export interface VideoInfo {
  /** Coded size of the video stream. */
  width: number;
  height: number;
  /** Display rotation in degrees (0, 90, 180, 270), as ffprobe reports it. */
  rotation: number;
  /** Sample aspect ratio, e.g. "1:1". */
  sampleAspectRatio?: string;
  /** Frame count when the container states it. */
  frames?: number;
  /** Duration in seconds, when known. */
  duration?: number;
  /** Average frame rate (frames per second), when known. */
  fps?: number;
  /** Codec names of the audio streams. */
  audio: string[];
}

interface ProbeStream {
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  nb_frames?: string;
  duration?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_aspect_ratio?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

/** Reads a file's first video stream and its audio streams with ffprobe (`DECODE_FAILED` when it has no video). */
export async function probeVideo(tools: FfmpegPaths, file: string): Promise<VideoInfo> {
  const json = await runTool(tools.ffprobe, ["-v", "error", "-show_streams", "-show_format", "-of", "json", file], "DECODE_FAILED", `Reading ${file} with ffprobe`);
  const parsed = JSON.parse(json) as { streams?: ProbeStream[]; format?: { duration?: string } };
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && s.width && s.height);
  if (!video) throw new Anime2dError("DECODE_FAILED", `${file} has no video stream.`);
  const rotationValue = video.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation ?? Number(video.tags?.rotate ?? 0);
  const fps = rate(video.avg_frame_rate) ?? rate(video.r_frame_rate);
  return {
    width: video.width!,
    height: video.height!,
    rotation: (((Math.round(rotationValue / 90) * 90) % 360) + 360) % 360,
    sampleAspectRatio: video.sample_aspect_ratio && video.sample_aspect_ratio !== "0:1" ? video.sample_aspect_ratio : undefined,
    frames: video.nb_frames ? Number(video.nb_frames) : undefined,
    duration: number(video.duration) ?? number(parsed.format?.duration),
    fps,
    audio: streams.filter((s) => s.codec_type === "audio").map((s) => s.codec_name ?? "unknown"),
  };
}

function rate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [n, d] = value.split("/").map(Number);
  return n > 0 && d > 0 ? n / d : undefined;
}

function number(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : undefined;
}
