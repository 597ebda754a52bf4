import type { InferenceSession, Tensor } from "onnxruntime-common";
import type { InputFormat } from "./format.js";
import type { RawImage } from "./image.js";

/**
 * The part of an ONNX Runtime package the core uses. Adapters pass the runtime's own module
 * (`import * as ort from "onnxruntime-node"`), so the core never holds a second copy of
 * onnxruntime-common with an empty backend registry.
 */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor;
}

/** Encoded image formats anime2d can write. */
export type ImageFormat = "png" | "jpeg" | "webp";

/** Options for {@link ImageCodec.encode}. */
export interface EncodeOptions {
  /** JPEG/WebP quality 1..100. */
  quality?: number;
}

/** Image dimensions read from a header, without decoding pixels. */
export interface ImageHeader {
  width: number;
  height: number;
}

/** Decodes and encodes images; sharp in Node, canvas in the browser. */
export interface ImageCodec {
  /**
   * Decodes encoded bytes to 8-bit RGB or RGBA (EXIF orientation applied). Must refuse images
   * whose header declares more than `maxPixels` before allocating their pixels, and data that
   * ends before the image does (`DECODE_FAILED`). `format` is the one the magic bytes named.
   */
  decode(bytes: Uint8Array, options: { maxPixels: number; format?: InputFormat }): Promise<RawImage>;
  /** Encodes 8-bit RGB/RGBA pixels. */
  encode(image: RawImage, format: ImageFormat, options?: EncodeOptions): Promise<Uint8Array>;
}

/** A key/value store of model files (a folder in Node, the Cache API in browsers). */
export interface ModelCache {
  get(file: string): Promise<Uint8Array | undefined>;
  put(file: string, bytes: Uint8Array): Promise<void>;
  /** Where the cache lives, for messages. */
  readonly location: string;
}

/** Platform services for finding model files. */
export interface ModelIO {
  /**
   * Reads a local regular file (Node), refusing FIFOs and devices, and files over
   * `limits.maxBytes` before reading them. Absent where there is no file system.
   */
  readFile?(path: string, limits?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Joins a folder and a file name in the platform's way. */
  joinPath(dir: string, file: string): string;
  /** Downloads bytes; reports progress as bytes arrive. */
  fetchBytes(url: string, options: { signal?: AbortSignal; onProgress?: (loaded: number, total?: number) => void }): Promise<Uint8Array>;
  /** The model cache, when the platform has one. */
  cache?(): ModelCache | undefined;
  /** Lower-case hex SHA-256. */
  sha256(bytes: Uint8Array): Promise<string>;
}

/**
 * Everything a platform adapter injects into the core (the `getUpscaler(internals)` pattern):
 * the runtime, the codec and IO. Adapters translate; the pipeline lives in the core.
 */
export interface Platform {
  /** Name shown in messages, e.g. `"node"`. */
  name: string;
  ort: OrtModule;
  codec: ImageCodec;
  io: ModelIO;
  /**
   * Turns platform-specific inputs (file paths, Blobs, canvases…) into bytes or pixels, reading
   * no more than `limits.maxBytes` (`INPUT_TOO_LARGE` beyond).
   */
  loadInput?(input: unknown, signal?: AbortSignal, limits?: { maxBytes: number }): Promise<Uint8Array | RawImage | undefined>;
  /** Writes bytes to a path (Node). */
  writeFile?(path: string, bytes: Uint8Array): Promise<void>;
  /** Logical CPU cores, bounding the `threads` option (4 per core); unknown when unset. */
  cores?: number;
  /** Session options the platform adds (execution providers, threads). */
  sessionOptions?(options: { threads?: number }): InferenceSession.SessionOptions;
}
