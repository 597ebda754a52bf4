import { Anime2dError, listStyles, listUpscalers, type ColorMode, type FaceMode, type ImageFormat, type StyleId } from "../index.js";

/**
 * What a request asks for, in plain JSON (it travels through Redis in distributed mode): the
 * stylize options a client may set, and the encoding of the answer.
 */
export interface JobParams {
  style: StyleId;
  strength?: number;
  face?: FaceMode;
  color?: ColorMode;
  upscale?: 2;
  upscaler?: string;
  format: ImageFormat;
  quality?: number;
}

export const CONTENT_TYPES: Record<ImageFormat, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

const FIELDS = new Set(["style", "strength", "face", "color", "upscale", "upscaler", "format", "quality"]);

/**
 * Reads the options of a request (multipart fields and the query string, fields winning) and
 * checks them all before any work is queued: a typo fails at once with its own code.
 */
export function parseParams(fields: Record<string, string | undefined>, defaultStyle: string): JobParams {
  for (const name of Object.keys(fields)) {
    if (!FIELDS.has(name)) throw new Anime2dError("INVALID_OPTION", `Unknown option "${name}"; use ${[...FIELDS].join(", ")}.`);
  }
  const style = fields.style || defaultStyle;
  if (!listStyles().some((s) => s.id === style)) {
    throw new Anime2dError("UNKNOWN_STYLE", `Unknown style "${style}". Styles: ${listStyles().map((s) => s.id).join(", ")} (GET /v1/styles).`);
  }
  const params: JobParams = { style: style as StyleId, format: oneOf(fields.format, "format", ["png", "jpeg", "webp"]) ?? "png" };
  const strength = number(fields.strength, "strength", 0, 1);
  if (strength !== undefined) params.strength = strength;
  const face = oneOf(fields.face, "face", ["off", "auto", "avatar"]);
  if (face) params.face = face;
  const color = oneOf(fields.color, "color", ["model", "match", "preserve"]);
  if (color) params.color = color;
  const upscaler = oneOf(fields.upscaler, "upscaler", listUpscalers());
  if (upscaler) params.upscaler = upscaler;
  if (upscaler || ["2", "true", "1", "on"].includes(fields.upscale ?? "")) params.upscale = 2;
  else if (fields.upscale && !["false", "0", "off", ""].includes(fields.upscale)) {
    throw new Anime2dError("INVALID_OPTION", `upscale must be 2, true or false, got "${fields.upscale}".`);
  }
  const quality = number(fields.quality, "quality", 1, 100);
  if (quality !== undefined) params.quality = Math.round(quality);
  return params;
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === "") return undefined;
  if (!allowed.includes(value as T)) throw new Anime2dError("INVALID_OPTION", `${name} must be one of ${allowed.join(", ")}, got "${value}".`);
  return value as T;
}

function number(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Anime2dError("INVALID_OPTION", `${name} must be a number from ${min} to ${max}, got "${value}".`);
  return n;
}
