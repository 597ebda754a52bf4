/**
 * anime2d for browsers: photos to anime-style images with real GAN generators on
 * onnxruntime-web (wasm, SIMD, threads when cross-origin isolated; WebGPU on request), with
 * the browser's own decoders and canvas as the image codec.
 *
 * ```ts
 * import { createStylizer, env } from "anime2d";
 * env.modelDir = "/models/"; // base URL serving the model files
 * const stylizer = createStylizer({ worker: true });
 * const out = await stylizer.stylize(file, { style: "hayao" });
 * img.src = URL.createObjectURL(await out.toBlob());
 * ```
 * Importing has no side effects (SSR-safe); calls outside a browser throw `UNSUPPORTED`.
 * @packageDocumentation
 */
import {
  sharedDetectFaces,
  sharedUpscale,
  type Face,
  type ImageInput,
  type OneShotDetectOptions,
  type OneShotOptions,
  type Platform,
  type StylizerOptions,
  type UpscaleOptions,
} from "@anime2d/core";
import { WebAnimeImage as WebResult } from "./output.js";
import { webPlatform } from "./platform.js";
import { loadRuntime } from "./runtime.js";
import { assertBrowser, createLocalStylizer, type WebStylizer } from "./local-stylizer.js";
import type { WebAnimeImage } from "./output.js";
import type { WebRuntimeOptions } from "./runtime.js";
import { createWorkerStylizer, type WorkerOptions } from "./worker-client.js";
import { stylizeVideoWith, type WebVideoOptions } from "./video.js";

/** Options of the browser's {@link createStylizer}. */
export interface WebStylizerOptions extends StylizerOptions, WebRuntimeOptions {
  /** Run inference in a dedicated Web Worker (`true`, or `{ url }` for a self-hosted worker.js). */
  worker?: boolean | WorkerOptions;
}

/** Options of the browser's one-shot {@link stylize}. */
export type WebOneShotOptions = OneShotOptions & WebRuntimeOptions;

/**
 * Creates a stylizer holding its own ONNX Runtime sessions until `dispose()`. With
 * `worker: true`, models run in a Web Worker and the page keeps painting.
 * `modelDir` is a base URL here (relative URLs resolve against the page).
 */
export function createStylizer(options: WebStylizerOptions = {}): WebStylizer {
  assertBrowser();
  const { worker, ...rest } = options;
  if (worker) return createWorkerStylizer(rest, worker === true ? {} : worker);
  return createLocalStylizer(rest);
}

const shared = new Map<string, WebStylizer>();

/**
 * Stylizes one image on this thread with a shared, cached stylizer (one per modelDir,
 * threads and backend).
 *
 * @param input - a Blob/File, `<img>`, canvas, OffscreenCanvas, ImageBitmap, ImageData, URL, encoded bytes, RawImage or ndarray.
 * @param options - style (default `"hayao"`), strength, signal, onProgress, modelDir, backend, wasmPaths, threads.
 * @returns the result with `toBlob()`, `toImageData()`, `toCanvas()` and `toBuffer()`.
 * @throws {@link Anime2dError} with a stable `code` for every failure.
 */
export async function stylize(input: ImageInput, options: WebOneShotOptions = {}): Promise<WebAnimeImage> {
  assertBrowser();
  const { modelDir, threads, backend, wasmPaths, ...callOptions } = options;
  const key = JSON.stringify([modelDir, threads, backend, wasmPaths]);
  let stylizer = shared.get(key);
  if (!stylizer) shared.set(key, (stylizer = createLocalStylizer({ modelDir, threads, backend, wasmPaths })));
  return stylizer.stylize(input, callOptions);
}

/** The default-configured runtime, started on the first face detection or upscale. */
let defaultPlatform: Promise<Platform> | undefined;
const platformOnce = () => (defaultPlatform ??= loadRuntime({}).then(webPlatform));
let detector: ReturnType<typeof sharedDetectFaces> | undefined;
let upscaler: ReturnType<typeof sharedUpscale> | undefined;

/**
 * Detects faces (RetinaFace) in an image: boxes, scores and five landmarks in input pixels,
 * largest first.
 */
export async function detectFaces(input: ImageInput, options?: OneShotDetectOptions): Promise<Face[]> {
  assertBrowser();
  const platform = await platformOnce();
  return (detector ??= sharedDetectFaces(platform))(input, options);
}

/** Upscales one image 2× (exactly 2W × 2H, alpha kept) without stylizing it. */
export async function upscale(input: ImageInput, options?: UpscaleOptions): Promise<WebResult> {
  assertBrowser();
  const platform = await platformOnce();
  const out = await (upscaler ??= sharedUpscale(platform))(input, options);
  return new WebResult(out.toRawImage(), platform);
}

/**
 * Stylizes a video (Blob/File) into a new one with WebCodecs: frames run on a worker
 * stylizer (or `options.stylizer`), each shot with frozen statistics, audio copied,
 * timestamps and rotation kept. Resolves to a WebM Blob (or MP4 with `format: "mp4"`).
 * @throws {@link Anime2dError}: `UNSUPPORTED` without WebCodecs, `DECODE_FAILED`, `ABORTED`…
 */
export function stylizeVideo(file: Blob, options?: WebVideoOptions): Promise<Blob> {
  assertBrowser();
  return stylizeVideoWith(() => createStylizer({ worker: true }), file, options);
}

export { WebAnimeImage } from "./output.js";
export type { WebVideoOptions, WebVideoProgress } from "./video.js";
export { webEnv, type WebBackend, type WasmPaths, type WebRuntimeOptions, type RuntimeInfo } from "./runtime.js";
export type { WebStylizer } from "./local-stylizer.js";
export type { WorkerOptions } from "./worker-client.js";
export type { BrowserImageInput } from "./input.js";
export { canvasCodec } from "./codec.js";
export { DEFAULT_CACHE_NAME } from "./io.js";
export * from "@anime2d/core/public";
