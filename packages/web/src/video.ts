import { Anime2dError, asAnime2dError, splitAlpha, stylizeFrames, throwIfAborted, type FramesOptions, type RawImage, type VideoFrame } from "@anime2d/core";
import type { WebStylizer } from "./local-stylizer.js";

/** Progress of the browser's `stylizeVideo()`, after each frame encoded. */
export interface WebVideoProgress {
  done: number;
  /** Frames in the input, when the container says. */
  total?: number;
  fps: number;
  shots: number;
}

/** Options of the browser's `stylizeVideo()`. */
export interface WebVideoOptions extends Omit<FramesOptions, "onProgress"> {
  /** Output container (default `"webm"`: VP9/VP8, which every Chromium encodes; `"mp4"` needs an H.264 or VP9 encoder). */
  format?: "webm" | "mp4";
  /** Video bitrate in bits per second (default: mediabunny's high quality for the size). */
  bitrate?: number;
  onProgress?: (progress: WebVideoProgress) => void;
  /** The stylizer to run frames on (default: a worker stylizer created for the call and disposed after). */
  stylizer?: WebStylizer;
}

type Mediabunny = typeof import("mediabunny");

/**
 * Stylizes a video Blob into a new one with WebCodecs (through mediabunny): demux, decode,
 * stylize each frame (shots, frozen statistics and steady blending from the core), encode,
 * mux, with the audio packets copied when the container takes them (else re-encoded to
 * Opus/AAC), timestamps and rotation kept.
 */
export async function stylizeVideoWith(createStylizer: () => WebStylizer, file: Blob, options: WebVideoOptions = {}): Promise<Blob> {
  const { format = "webm", bitrate, onProgress, stylizer: given, signal, ...frameOptions } = options;
  if (format !== "webm" && format !== "mp4") throw new Anime2dError("INVALID_OPTION", `format must be "webm" or "mp4", got ${JSON.stringify(format)}.`);
  if (!(file instanceof Blob)) throw new Anime2dError("INVALID_INPUT", "stylizeVideo() takes a Blob or File.");
  if (typeof VideoEncoder === "undefined") throw new Anime2dError("UNSUPPORTED", "This browser has no WebCodecs (VideoEncoder); video needs Chromium 94+, Safari 16.4+ or Firefox 130+.");
  const mb: Mediabunny = await import("mediabunny");
  const input = new mb.Input({ source: new mb.BlobSource(file), formats: mb.ALL_FORMATS });
  const videoTrack = await input.getPrimaryVideoTrack().catch((error) => {
    throw asAnime2dError(error, "DECODE_FAILED", "Could not read the video");
  });
  if (!videoTrack) throw new Anime2dError("DECODE_FAILED", "The file has no video track.");
  if (!(await videoTrack.canDecode())) throw new Anime2dError("DECODE_FAILED", `This browser cannot decode ${videoTrack.codec ?? "this"} video.`);
  const audioTrack = await input.getPrimaryAudioTrack();

  const target = new mb.BufferTarget();
  const output = new mb.Output({ format: format === "mp4" ? new mb.Mp4OutputFormat({ fastStart: "in-memory" }) : new mb.WebMOutputFormat(), target });
  const width = videoTrack.codedWidth, height = videoTrack.codedHeight;
  const codec = await mb.getFirstEncodableVideoCodec(output.format.getSupportedVideoCodecs(), { width, height });
  if (!codec) throw new Anime2dError("UNSUPPORTED", `This browser cannot encode any ${format} video codec at ${width}×${height}.`);
  const videoSource = new mb.VideoSampleSource({ codec, bitrate: bitrate ?? mb.QUALITY_HIGH });
  output.addVideoTrack(videoSource, { rotation: videoTrack.rotation });
  const audio = audioTrack ? await audioPlan(mb, output, audioTrack) : undefined;
  await output.start();

  const stylizer = given ?? createStylizer();
  const total = await videoTrack.computePacketStats(100).then((s) => (s.packetCount < 100 ? s.packetCount : undefined)).catch(() => undefined);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  const started = performance.now();
  try {
    const copyAudio = audio?.();
    const frames = decodedFrames(new mb.VideoSampleSink(videoTrack), context, width, height, signal);
    let done = 0;
    for await (const { frame, image, shot } of stylizeFrames(frames, stylizer, { ...frameOptions, signal })) {
      throwIfAborted(signal);
      context.putImageData(toImageData(image), 0, 0);
      const sample = new mb.VideoSample(canvas, { timestamp: frame.timestamp, duration: frame.duration });
      await videoSource.add(sample);
      sample.close();
      done++;
      try {
        onProgress?.({ done, total, fps: done / ((performance.now() - started) / 1000), shots: shot + 1 });
      } catch {
        // A throwing progress handler must not abort the user's work.
      }
    }
    videoSource.close();
    await copyAudio;
    await output.finalize();
  } catch (error) {
    await output.cancel().catch(() => {});
    throw error;
  } finally {
    input.dispose?.();
    if (!given) await stylizer.dispose();
  }
  return new Blob([target.buffer!], { type: output.format.mimeType });
}

/** Decodes every frame to RGB on a canvas, in presentation order. */
async function* decodedFrames(
  sink: InstanceType<Mediabunny["VideoSampleSink"]>,
  context: OffscreenCanvasRenderingContext2D,
  width: number,
  height: number,
  signal?: AbortSignal,
): AsyncGenerator<VideoFrame> {
  for await (const sample of sink.samples()) {
    try {
      throwIfAborted(signal);
      // Drawn in the coded orientation; the output track carries the source's rotation.
      context.drawImage(sample.toCanvasImageSource(), 0, 0, width, height);
      yield { image: toRgb(context.getImageData(0, 0, width, height)), timestamp: sample.timestamp, duration: sample.duration };
    } finally {
      sample.close();
    }
  }
}

/** Audio packets copied when the container takes the codec, else decoded and re-encoded. */
async function audioPlan(mb: Mediabunny, output: InstanceType<Mediabunny["Output"]>, track: InstanceType<Mediabunny["InputAudioTrack"]>): Promise<(() => Promise<void>) | undefined> {
  const codec = track.codec;
  if (codec && output.format.getSupportedAudioCodecs().includes(codec)) {
    const source = new mb.EncodedAudioPacketSource(codec);
    output.addAudioTrack(source);
    const decoderConfig = (await track.getDecoderConfig()) ?? undefined;
    return async () => {
      let first = true;
      for await (const packet of new mb.EncodedPacketSink(track).packets()) {
        await source.add(packet, first ? { decoderConfig } : undefined);
        first = false;
      }
      source.close();
    };
  }
  if (!(await track.canDecode())) return undefined;
  const target = await mb.getFirstEncodableAudioCodec(output.format.getSupportedAudioCodecs(), { numberOfChannels: track.numberOfChannels, sampleRate: track.sampleRate });
  if (!target) return undefined;
  const source = new mb.AudioSampleSource({ codec: target, bitrate: mb.QUALITY_MEDIUM });
  output.addAudioTrack(source);
  return async () => {
    for await (const sample of new mb.AudioSampleSink(track).samples()) {
      await source.add(sample);
      sample.close();
    }
    source.close();
  };
}

function toRgb(image: ImageData) {
  const { rgb, width, height } = splitAlpha({ data: image.data, width: image.width, height: image.height, channels: 4 });
  return { data: rgb, width, height };
}

function toImageData(image: RawImage): ImageData {
  const n = image.width * image.height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    rgba[i * 4] = image.data[i * image.channels];
    rgba[i * 4 + 1] = image.data[i * image.channels + 1];
    rgba[i * 4 + 2] = image.data[i * image.channels + 2];
    rgba[i * 4 + 3] = 255;
  }
  return new ImageData(rgba, image.width, image.height);
}
