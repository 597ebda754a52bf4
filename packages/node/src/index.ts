/**
 * anime2d for Node: photos to anime-style images with real GAN generators on
 * onnxruntime-node, with sharp as the image codec.
 *
 * ```ts
 * import { stylize } from "anime2d";
 * const out = await stylize("photo.jpg", { style: "hayao" });
 * await out.toFile("photo-anime.png");
 * ```
 * @packageDocumentation
 */
import {
  createStylizerFor,
  env,
  type ImageInput,
  type AnimeImage,
  type OneShotOptions,
  type Stylizer,
  type StylizerOptions,
  type UpscaleOptions,
  type Face,
  type OneShotDetectOptions,
} from "@anime2d/core";
import { nodePlatform } from "./platform.js";
import { createWorkerStylizer, sharedWorkerStylizer, type WorkerPoolOptions } from "./pool.js";
import { stylizeVideoWith, type StylizeVideoOptions, type StylizeVideoResult } from "./video/index.js";
import type { ServeOptions } from "./serve/options.js";
import type { Anime2dServer } from "./serve/app.js";

readEnvironment();

/**
 * Stylizes one image with a shared, cached stylizer.
 *
 * @param input - a file path, encoded bytes (Buffer/Uint8Array), a RawImage `{data, width, height, channels}` or an ndarray `[h, w, 3|4]`.
 * @param options - style (default `"hayao"`), strength, color (`"model"`, `"match"`, `"preserve"`),
 *   upscale (`2` for 2W × 2H) and upscaler, signal, onProgress, modelDir, threads.
 * @returns the result, the input's size (or twice it), with `toBuffer()` and `toFile()`.
 * @throws {@link Anime2dError} with a stable `code` for every failure.
 */
export function stylize(input: ImageInput, options: OneShotOptions = {}): Promise<AnimeImage> {
  const { modelDir, threads, optimize, precision, ...callOptions } = options;
  return sharedWorkerStylizer({ modelDir, threads, optimize, precision }).stylize(input, callOptions);
}

/**
 * Finds faces with RetinaFace (run on a copy shrunk to at most 840 px on its long side, mapped back).
 *
 * @param input - any input `stylize()` accepts.
 * @param options - minScore (default 0.8), maxFaces, workingSize (default 840), signal, modelDir, threads.
 * @returns faces sorted by box area, largest first: `box {x, y, width, height}`, `score` and five
 *   `landmarks` (left eye, right eye, nose, left and right mouth corners) in input pixels.
 * @throws {@link Anime2dError} with a stable `code` for every failure.
 */
export function detectFaces(input: ImageInput, options: OneShotDetectOptions = {}): Promise<Face[]> {
  const { modelDir, threads, ...callOptions } = options;
  return sharedWorkerStylizer({ modelDir, threads }).detectFaces(input, callOptions);
}

/** Options of Node's {@link createStylizer}: model location, defaults for each call, and the worker pool. */
export type NodeStylizerOptions = StylizerOptions & WorkerPoolOptions;

/**
 * Creates a stylizer that holds its own ONNX Runtime sessions (one per model file and
 * worker) until `dispose()` is called. Options given here are defaults for each of its calls.
 * By default the models run in a pool of worker threads (`workers`, `threads` per worker,
 * `maxQueue`), so the event loop stays free; `worker: false` runs them on this thread.
 */
export function createStylizer(options: NodeStylizerOptions = {}): Stylizer {
  if (options.worker === false) {
    const { worker: _w, workers: _n, maxQueue: _q, ...rest } = options;
    return createStylizerFor(nodePlatform, rest);
  }
  return createWorkerStylizer(options);
}

/**
 * Upscales one image 2× (exactly 2W × 2H, alpha kept) without stylizing it.
 *
 * @param input - the same inputs as {@link stylize}.
 * @param options - upscaler (`"waifu2x"` default, `"waifu2x-cunet"`, `"realcugan"`, `"realesrgan"`, `"lanczos"`), signal, onProgress, modelDir, threads.
 * @throws {@link Anime2dError} with a stable `code` for every failure.
 */
export function upscale(input: ImageInput, options: UpscaleOptions = {}): Promise<AnimeImage> {
  const { modelDir, threads, ...callOptions } = options;
  return sharedWorkerStylizer({ modelDir, threads }).upscale(input, callOptions);
}

/**
 * Stylizes a video file into a new one (MP4 H.264 by default, or WebM) with its sound,
 * frame count, timing (variable frame rate too), size and rotation. Each shot's
 * normalisation statistics are frozen so the style does not flicker (`temporal: "per-frame"`
 * for the peers' behaviour). Needs ffmpeg: the `ffmpeg` option, `ANIME2D_FFMPEG`, or PATH.
 *
 * @param input - a video file path (anything ffmpeg reads).
 * @param options - output, format, crf, preset, style and every `stylize()` option, temporal,
 *   cutThreshold, statsFrames, onProgress (frames, fps), signal (stops ffmpeg, removes the partial file).
 * @throws {@link Anime2dError}: `FFMPEG_MISSING`, `DECODE_FAILED`, `ENCODE_FAILED`, `ABORTED`…
 */
export function stylizeVideo(input: string, options?: StylizeVideoOptions): Promise<StylizeVideoResult> {
  return stylizeVideoWith({ createStylizer }, input, options);
}

function readEnvironment(): void {
  const e = process.env;
  if (e.ANIME2D_MODEL_DIR) env.modelDir = e.ANIME2D_MODEL_DIR;
  if (e.ANIME2D_MODEL_HOST) env.modelHost = e.ANIME2D_MODEL_HOST;
  if (e.ANIME2D_CACHE_DIR) env.cacheDir = e.ANIME2D_CACHE_DIR;
  if (e.ANIME2D_OFFLINE === "1" || e.ANIME2D_OFFLINE === "true") env.allowRemoteModels = false;
}

export { nodePlatform } from "./platform.js";
export { sharpCodec } from "./codec.js";
export { defaultCacheDir } from "./io.js";
export { toNdarray } from "./ndarray.js";
export { defaultPoolShape, DEFAULT_MAX_QUEUE, type WorkerPoolOptions } from "./pool.js";
export type { StylizeVideoOptions, StylizeVideoResult, VideoProgress, VideoFormat, VideoInfo } from "./video/index.js";
export * from "@anime2d/core/public";
export { modelStatus, fetchModels, importModels, modelCacheDir, type FetchModelsOptions, type ImportResult } from "./models.js";

/**
 * Builds the anime2d HTTP service (`anime2d serve`): upload → stylize → download API, batch
 * jobs, health checks and a web page, in-process or on BullMQ workers (`redis`). Fastify and
 * BullMQ load only when this is called.
 *
 * ```ts
 * const server = await createServer({ port: 8787 });
 * console.log(await server.listen());
 * ```
 */
export async function createServer(options?: ServeOptions): Promise<Anime2dServer> {
  return (await import("./serve/app.js")).createServer(options);
}
export type { ServeOptions } from "./serve/options.js";
export type { Anime2dServer } from "./serve/app.js";
