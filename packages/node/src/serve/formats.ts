import { Anime2dError } from "../index.js";

/** Image formats the service accepts, recognised by their first bytes. */
export const INPUT_FORMATS = ["jpeg", "png", "webp", "avif", "tiff", "gif"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

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

/** The format the bytes' magic number names, if it is one of {@link INPUT_FORMATS}. */
export function sniffFormat(b: Uint8Array): InputFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "tiff";
  if (ascii(4, 8) === "ftyp" && isAvifBrand(b)) return "avif";
  return undefined;
}

/** An ISO-BMFF file is AVIF when its major or a compatible brand is avif/avis (HEIC is not). */
function isAvifBrand(b: Uint8Array): boolean {
  const size = Math.min(b.length, ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0, 64);
  for (let at = 8; at + 4 <= size; at += 4) {
    if (at === 12) continue; // minor version, not a brand
    const brand = String.fromCharCode(...b.subarray(at, at + 4));
    if (brand === "avif" || brand === "avis") return true;
  }
  return false;
}
