import { Anime2dError } from "../index.js";
import { INPUT_FORMATS, sniffFormat, type InputFormat } from "@anime2d/core";

// The core's one table of accepted formats and their magic bytes; the service may narrow it.
export { INPUT_FORMATS, sniffFormat, type InputFormat };

/**
 * The HTTP layer's own light check, before anything is queued or decoded: the bytes must start
 * like one of the allowed formats. SVG, HTML, PDF and the rest never reach the decoder, whatever
 * their name or Content-Type claims.
 */
export function checkInputFormat(bytes: Uint8Array, allowed: readonly InputFormat[]): InputFormat {
  if (bytes.length === 0) throw new Anime2dError("INVALID_INPUT", "The upload is empty (0 bytes).");
  const format = sniffFormat(bytes);
  if (!format || !allowed.includes(format)) {
    const what = format ? `${format.toUpperCase()} images are` : "This file type is";
    throw new Anime2dError("UNSUPPORTED_FORMAT", `${what} not accepted here; send ${allowed.map((f) => f.toUpperCase()).join(", ")}.`);
  }
  return format;
}
