import { Anime2dError } from "../errors.js";
import { listStyles, type ModelSpec } from "../registry.js";
import type { Int8Params } from "./int8-qdq.js";
import hayao from "../../../../models/int8/animeganv3-hayao.onnx.json";
import shinkai from "../../../../models/int8/animeganv3-shinkai.onnx.json";

/**
 * The models that offer `precision: "int8"`, with their calibrated activation ranges
 * (`scripts/calibrate-int8.mjs`). Only files whose INT8 output stays ≥ 40 dB PSNR against fp32
 * on every shared photo and on flat white/grey/dark images are listed
 * (`test/optimize/int8.test.ts`); tiny-cute (28.8 dB on flat grey) and the other families are not.
 */
const CALIBRATED: Record<string, Int8Params> = {
  "animeganv3-hayao.onnx": hayao,
  "animeganv3-shinkai.onnx": shinkai,
};

/** Model precision: `"fp32"` (default) or `"int8"` (static QDQ, only for the styles that keep quality). */
export type Precision = "fp32" | "int8";

/** Style ids whose model offers INT8. */
export function int8Styles(): string[] {
  return listStyles()
    .filter((s) => CALIBRATED[s.file])
    .map((s) => s.id);
}

/** Throws `INVALID_OPTION` for a precision that is not "fp32" or "int8". */
export function checkPrecision(precision: unknown): asserts precision is Precision | undefined {
  if (precision !== undefined && precision !== "fp32" && precision !== "int8")
    throw new Anime2dError("INVALID_OPTION", `precision must be "fp32" or "int8", got ${JSON.stringify(precision)}.`);
}

/** The INT8 ranges of a style model, or `INVALID_OPTION` naming the styles that offer INT8. */
export function int8ParamsFor(spec: ModelSpec, optimize: boolean | undefined): Int8Params {
  const params = CALIBRATED[spec.file];
  if (!params)
    throw new Anime2dError("INVALID_OPTION", `Style "${spec.id}" does not offer precision "int8" (its INT8 output loses too much quality); styles that do: ${int8Styles().join(", ")}.`);
  if (optimize === false)
    throw new Anime2dError("INVALID_OPTION", `precision "int8" is built on the optimised graph and cannot be combined with optimize: false.`);
  return params;
}
