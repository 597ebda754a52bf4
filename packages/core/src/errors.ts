/**
 * Stable machine-readable codes carried by every {@link Anime2dError}.
 * Applications branch on `error.code`; the message is for people.
 */
export type Anime2dErrorCode =
  | "INVALID_INPUT"
  | "INVALID_OPTION"
  | "DECODE_FAILED"
  | "ENCODE_FAILED"
  | "INPUT_TOO_LARGE"
  | "UNKNOWN_STYLE"
  | "MODEL_NOT_FOUND"
  | "MODEL_INTEGRITY"
  | "MODEL_DOWNLOAD_FAILED"
  | "MODEL_LOAD_FAILED"
  | "MODEL_MISMATCH"
  | "INFERENCE_FAILED"
  | "NO_FACE"
  | "UNSUPPORTED"
  /** An optional peer dependency (onnxruntime-node, sharp, fastify…) is not installed; the message names the `npm install` to run. */
  | "RUNTIME_MISSING"
  | "ABORTED"
  /** A worker pool's queue is full (`maxQueue`); retry later or raise it (HTTP 429 with Retry-After from `anime2d serve`). */
  | "QUEUE_FULL"
  /** The worker running the job died (crash, out of memory); the pool replaced it. */
  | "WORKER_CRASHED"
  /** Video needs ffmpeg and ffprobe (option `ffmpeg`, `ANIME2D_FFMPEG`, or PATH) and none was found. */
  | "FFMPEG_MISSING"
  /** The work took longer than its time limit (the service's per-request timeout). */
  | "TIMEOUT"
  /** The bytes are not one of the accepted image formats (SVG, HTML, PDF… are refused by type, before decoding). */
  | "UNSUPPORTED_FORMAT"
  /** A job, result or route asked of `anime2d serve` does not exist (or has expired). */
  | "NOT_FOUND";

/**
 * The one error type anime2d throws. `code` is stable across versions;
 * `cause` holds the underlying error (from ONNX Runtime, the codec, the network) when there is one.
 */
export class Anime2dError extends Error {
  /** Stable code to branch on. */
  readonly code: Anime2dErrorCode;

  constructor(code: Anime2dErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "Anime2dError";
    this.code = code;
  }
}

/** True when `value` is an {@link Anime2dError}, optionally with the given code. */
export function isAnime2dError(value: unknown, code?: Anime2dErrorCode): value is Anime2dError {
  return value instanceof Anime2dError && (code === undefined || value.code === code);
}

/** Throws `ABORTED` when the signal has fired; called between pipeline stages. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new Anime2dError("ABORTED", "The operation was aborted.", { cause: signal.reason });
  }
}

/** Wraps a foreign error into an {@link Anime2dError} unless it already is one. */
export function asAnime2dError(error: unknown, code: Anime2dErrorCode, message: string): Anime2dError {
  if (error instanceof Anime2dError) return error;
  // One line: libraries (libvips) append their log lines to messages, and ours go to logs and CLIs line by line.
  const detail = (error instanceof Error ? error.message : String(error)).trim().split(/\s*\n\s*/).join("; ");
  return new Anime2dError(code, `${message}: ${detail}`, { cause: error });
}
