import type { InferenceSession, Tensor } from "onnxruntime-common";
import { Anime2dError, asAnime2dError, throwIfAborted } from "../errors.js";
import { env } from "../env.js";
import { splitAlpha, type RgbImage } from "../image.js";
import { loadImage, type ImageInput } from "../input.js";
import type { ModelPool } from "../model-pool.js";
import type { Platform } from "../platform.js";
import type { ProgressCallback } from "../progress.js";
import { getModel } from "../registry.js";
import { paddedSize } from "../tensor.js";
import { resizeToFloat } from "./resize.js";
import { decodeRetinaface, retinafaceInput, retinafacePriors, RETINAFACE_MULTIPLE } from "./retinaface.js";
import type { Point } from "./similarity.js";

/** An axis-aligned box in input pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The five RetinaFace landmarks: left eye, right eye, nose, left and right mouth corners. */
export type FaceLandmarks = [Point, Point, Point, Point, Point];

/**
 * One detected face, in the input image's pixel coordinates (continuous: pixel `i` spans
 * `[i, i + 1)`). "Left eye" is the eye on the image's left.
 */
export interface Face {
  box: FaceBox;
  /** Detector confidence, 0..1. */
  score: number;
  landmarks: FaceLandmarks;
}

/** Options of `detectFaces()`. */
export interface DetectFacesOptions {
  /** Lowest detector confidence kept, 0..1 (default 0.8). */
  minScore?: number;
  /** Keep at most this many faces, the largest first (default: all). */
  maxFaces?: number;
  /**
   * Long side, in pixels, of the copy the detector runs on (default 840, the reference
   * practice). Larger finds smaller faces but makes the detector fire on parts of big faces.
   */
  workingSize?: number;
  /** Cancels the detection; the promise rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Largest accepted input in pixels (default `env.maxInputPixels`). */
  maxInputPixels?: number;
}

/** Default long side of the detector's working copy. */
export const DEFAULT_DETECT_SIZE = 840;
/** Overlap above which NMS drops the weaker of two boxes (the reference's value). */
const NMS_IOU = 0.4;

/** What detection needs: the platform and the open models. */
export interface FaceContext {
  platform: Platform;
  pool: ModelPool;
}

/**
 * Detects faces in any accepted input (file path, bytes, RawImage, ndarray…), on any
 * platform. Faces are sorted by box area, largest first.
 */
export async function detectFacesWith(ctx: FaceContext, input: ImageInput, options: DetectFacesOptions = {}): Promise<Face[]> {
  checkDetectOptions(options);
  const image = await loadImage(ctx.platform, input, { maxPixels: options.maxInputPixels ?? env.maxInputPixels, signal: options.signal });
  const { rgb, width, height } = splitAlpha(image);
  return detectInImage(ctx, { data: rgb, width, height }, options);
}

/**
 * Runs RetinaFace on a working copy whose long side is `workingSize`, decodes, applies NMS
 * and maps the faces back to the image's coordinates.
 */
export async function detectInImage(ctx: FaceContext, image: RgbImage, options: DetectFacesOptions = {}, onProgress?: ProgressCallback): Promise<Face[]> {
  const { minScore = 0.8, maxFaces, workingSize = DEFAULT_DETECT_SIZE, signal } = options;
  const spec = getModel("retinaface", "detector");
  const model = await ctx.pool.get(spec, signal, onProgress);
  throwIfAborted(signal);

  const scale = workingSize / Math.max(image.width, image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const pw = paddedSize(w, RETINAFACE_MULTIPLE), ph = paddedSize(h, RETINAFACE_MULTIPLE);
  const input = retinafaceInput(resizeToFloat(image, w, h), w, h, pw, ph);
  const [loc, conf, landms] = await runDetector(ctx.platform, model.session, spec.input.name, input, [1, 3, ph, pw]);
  const priors = retinafacePriors(pw, ph);
  if (loc.length !== (priors.length / 3) * 4 || conf.length !== (priors.length / 3) * 2 || landms.length !== (priors.length / 3) * 10) {
    throw new Anime2dError("MODEL_MISMATCH", `Face detector returned ${conf.length / 2} scores for ${priors.length / 3} prior boxes on a ${pw}×${ph} input.`);
  }
  const sx = image.width / w, sy = image.height / h;
  const faces = decodeRetinaface(priors, loc, conf, landms, minScore, NMS_IOU).map((d): Face => ({
    box: { x: d.box[0] * sx, y: d.box[1] * sy, width: (d.box[2] - d.box[0]) * sx, height: (d.box[3] - d.box[1]) * sy },
    score: d.score,
    landmarks: d.landmarks.map(([x, y]) => [x * sx, y * sy]) as FaceLandmarks,
  }));
  faces.sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
  return maxFaces === undefined ? faces : faces.slice(0, maxFaces);
}

/** Throws `INVALID_OPTION` for out-of-range detection options. */
export function checkDetectOptions(options: DetectFacesOptions): void {
  const { minScore, maxFaces, workingSize } = options;
  if (minScore !== undefined && !(typeof minScore === "number" && minScore >= 0 && minScore <= 1)) {
    throw new Anime2dError("INVALID_OPTION", `minScore must be a number from 0 to 1, got ${minScore}.`);
  }
  if (maxFaces !== undefined && !(Number.isInteger(maxFaces) && maxFaces >= 1)) {
    throw new Anime2dError("INVALID_OPTION", `maxFaces must be a positive integer, got ${maxFaces}.`);
  }
  if (workingSize !== undefined && !(Number.isInteger(workingSize) && workingSize >= 64 && workingSize <= 4096)) {
    throw new Anime2dError("INVALID_OPTION", `workingSize must be an integer from 64 to 4096, got ${workingSize}.`);
  }
}

/** Runs the detector's session directly: it has three outputs, the pool's `run` returns one. */
async function runDetector(
  platform: Platform,
  session: InferenceSession,
  inputName: string,
  data: Float32Array,
  dims: number[],
): Promise<[Float32Array, Float32Array, Float32Array]> {
  const tensor = new platform.ort.Tensor("float32", data, dims);
  try {
    const outputs = await session.run({ [inputName]: tensor });
    const read = (name: string) => {
      const t = outputs[name] as Tensor | undefined;
      if (!t) throw new Anime2dError("MODEL_MISMATCH", `Face detector has no output "${name}" (outputs: ${session.outputNames}).`);
      return t.data as Float32Array;
    };
    return [read("output0"), read("output1"), read("output2")];
  } catch (error) {
    throw asAnime2dError(error, "INFERENCE_FAILED", `Running the face detector on a ${dims.join("×")} tensor failed`);
  } finally {
    tensor.dispose?.();
  }
}
