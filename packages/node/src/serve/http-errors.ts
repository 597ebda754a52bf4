import { isAnime2dError, type Anime2dErrorCode } from "../index.js";

/** The body of every error answer. */
export interface ErrorBody {
  code: Anime2dErrorCode | "INTERNAL";
  message: string;
}

/** The one table from the SDK's error codes to HTTP statuses. */
export const HTTP_STATUS: Record<Anime2dErrorCode, number> = {
  INVALID_INPUT: 400,
  INVALID_OPTION: 400,
  UNKNOWN_STYLE: 400,
  UNSUPPORTED: 400,
  NOT_FOUND: 404,
  ABORTED: 410,
  INPUT_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  DECODE_FAILED: 422,
  NO_FACE: 422,
  QUEUE_FULL: 429,
  ENCODE_FAILED: 500,
  INFERENCE_FAILED: 500,
  MODEL_MISMATCH: 500,
  MODEL_NOT_FOUND: 503,
  MODEL_INTEGRITY: 503,
  MODEL_DOWNLOAD_FAILED: 503,
  MODEL_LOAD_FAILED: 503,
  TIMEOUT: 503,
  WORKER_CRASHED: 503,
  // The server is missing a package or ffmpeg: its operator's problem, not the client's.
  RUNTIME_MISSING: 503,
  FFMPEG_MISSING: 503,
};

/** Fastify's and @fastify/multipart's own errors, in the SDK's terms. */
const FRAMEWORK_CODES: Record<string, Anime2dErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "INPUT_TOO_LARGE",
  FST_REQ_FILE_TOO_LARGE: "INPUT_TOO_LARGE",
  FST_PARTS_LIMIT: "INPUT_TOO_LARGE",
  FST_FILES_LIMIT: "INPUT_TOO_LARGE",
  FST_FIELDS_LIMIT: "INPUT_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_FORMAT",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INVALID_INPUT",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_INPUT",
  FST_INVALID_MULTIPART_CONTENT_TYPE: "UNSUPPORTED_FORMAT",
  FST_MP_PREMATURE_CLOSE: "ABORTED",
  FST_PROTO_VIOLATION: "INVALID_INPUT",
  FST_ERR_NOT_FOUND: "NOT_FOUND",
};

/** Server-side failures whose SDK messages may name local paths: clients get a plain sentence. */
const PRIVATE_DETAIL = new Set<Anime2dErrorCode>(["MODEL_NOT_FOUND", "MODEL_INTEGRITY", "MODEL_DOWNLOAD_FAILED", "MODEL_LOAD_FAILED", "MODEL_MISMATCH", "INFERENCE_FAILED", "ENCODE_FAILED"]);

/**
 * Turns anything thrown into a status and a `{ code, message }` body: never a stack trace,
 * never a server path. Unknown errors become `500 INTERNAL`.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (isAnime2dError(error)) {
    const message = PRIVATE_DETAIL.has(error.code) ? `The server could not run the model (${error.code}); see its log.` : error.message;
    return { status: HTTP_STATUS[error.code] ?? 500, body: { code: error.code, message } };
  }
  const framework = error as { code?: string; statusCode?: number; message?: string };
  const code = framework.code ? FRAMEWORK_CODES[framework.code] : undefined;
  if (code) return { status: HTTP_STATUS[code], body: { code, message: frameworkMessage(code, framework.message) } };
  if (framework.statusCode && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: { code: "INVALID_INPUT", message: framework.message ?? "Bad request." } };
  }
  return { status: 500, body: { code: "INTERNAL", message: "Internal server error." } };
}

function frameworkMessage(code: Anime2dErrorCode, message = ""): string {
  if (code === "INPUT_TOO_LARGE") return `The request is too large (${message}); see the server's maxBodyBytes and maxBatch.`;
  if (code === "UNSUPPORTED_FORMAT") return `Unsupported Content-Type; send the image as multipart/form-data or a raw image/* or application/octet-stream body.`;
  return message;
}
