import { Anime2dError } from "./errors.js";

/** The encoded formats anime2d decodes; everything else is refused before any decoder runs. */
export const INPUT_FORMATS = ["jpeg", "png", "webp", "avif", "tiff", "gif"] as const;
/** One of {@link INPUT_FORMATS}. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/**
 * Most pixels one byte of each format can plausibly hold, with a wide margin. A header that
 * declares more pixels than its data could encode is a truncated or forged file: refusing it
 * up front bounds decoding work by the size of the data rather than by the header's claim.
 *
 * - JPEG (Huffman): every 8×8 block costs at least ~1 bit (DC code, EOB), so ≤ 512 px/byte;
 *   a flat grey 4000² JPEG measures 170 px/byte. Bound: 4096 (8× the floor).
 * - GIF: one 12-bit LZW code expands to at most 4096 pixels (≤ 2730 px/byte); flat measures 1445. Bound: 8192.
 * - PNG, TIFF: deflate/LZW reach ~1032:1 on 1-bit rows (≤ ~8300 px/byte); flat 1-bit PNG
 *   measures 7775. Bound: 16384.
 * - WebP lossless and AVIF encode a flat image in a few hundred bytes whatever its size
 *   (23 000 and 37 000 px/byte measured), so no bound; their decoders refuse truncated data.
 */
export const MAX_PIXELS_PER_BYTE: Record<InputFormat, number> = {
  jpeg: 4096,
  gif: 8192,
  png: 16384,
  tiff: 16384,
  webp: Infinity,
  avif: Infinity,
};

/** Human-readable list for messages and docs. */
export const ACCEPTED_FORMATS = "JPEG, PNG, WebP, AVIF, TIFF and GIF (first frame)";

/** Identifies an accepted format by its magic bytes; undefined for anything else. */
export function sniffFormat(bytes: Uint8Array): InputFormat | undefined {
  const at = (offset: number, ...expected: number[]) => expected.every((b, i) => bytes[offset + i] === b);
  const ascii = (offset: number, text: string) => at(offset, ...[...text].map((c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff)) return "jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "webp";
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  if (ascii(4, "ftyp") && isAvifBrand(bytes)) return "avif";
  return undefined;
}

/** AVIF: an ISO-BMFF `ftyp` box whose major or compatible brands include `avif` or `avis`. */
function isAvifBrand(bytes: Uint8Array): boolean {
  const size = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const end = Math.min(size, bytes.length, 256);
  for (let i = 8; i + 4 <= end; i += 4) {
    if (i === 12) continue; // minor version, not a brand
    const brand = String.fromCharCode(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]);
    if (brand === "avif" || brand === "avis") return true;
  }
  return false;
}

/** Returns the input's format, or throws `UNSUPPORTED` (SVG, PDF, HTML, BMP, HEIC…). */
export function requireAcceptedFormat(bytes: Uint8Array): InputFormat {
  const format = sniffFormat(bytes);
  if (format) return format;
  throw new Anime2dError("UNSUPPORTED", `The input (${bytes.length} bytes) is not an accepted image format (${describeStart(bytes)}); anime2d reads ${ACCEPTED_FORMATS}.`);
}

/**
 * Throws `DECODE_FAILED` when a header declares more pixels than the data can hold (see
 * {@link MAX_PIXELS_PER_BYTE}).
 */
export function checkPlausibleSize(format: InputFormat, width: number, height: number, byteLength: number): void {
  const limit = MAX_PIXELS_PER_BYTE[format] * byteLength;
  if (width * height > limit) {
    throw new Anime2dError(
      "DECODE_FAILED",
      `The ${format.toUpperCase()} header declares ${width}×${height} pixels but the data is only ${byteLength} bytes, which cannot hold them (truncated or forged file).`,
    );
  }
}

function describeStart(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, 16)).trimStart();
  if (/^<\?xml|^<svg/i.test(head)) return "SVG/XML";
  if (/^%PDF/.test(head)) return "PDF";
  if (/^<(!doctype|html)/i.test(head)) return "HTML";
  if (/^BM/.test(head)) return "BMP";
  if (String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp") return "ISO media other than AVIF, e.g. HEIC or MP4";
  return `starts with ${[...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}
