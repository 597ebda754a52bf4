import type { InferenceSession, Tensor } from "onnxruntime-common";
import { Anime2dError, asAnime2dError, throwIfAborted } from "../errors.js";
import { splitAlpha, type RgbImage } from "../image.js";
import { inputLimits, loadImage, type ImageInput, type InputLimitOptions } from "../input.js";
import type { ModelPool } from "../model-pool.js";
import type { Platform } from "../platform.js";
import type { ProgressCallback } from "../progress.js";
import { getModel } from "../registry.js";
import { paddedSize } from "../tensor.js";
import { resizeToFloat } from "./resize.js";
import { alignmentFor, faceTemplate } from "./align.js";
import { decodeRetinaface, retinafaceInput, retinafacePriors, RETINAFACE_MULTIPLE, type RawDetection } from "./retinaface.js";
import { applySimilarity, invertSimilarity, type Point } from "./similarity.js";
import { warpSimilarity } from "./warp.js";

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
export interface DetectFacesOptions extends InputLimitOptions {
  /** Lowest detector confidence kept, 0..1 (default 0.8). */
  minScore?: number;
  /** Keep at most this many faces, the largest first (default: all). */
  maxFaces?: number;
  /**
   * Largest long side, in pixels, of the copy the detector runs on (default 840, the
   * reference practice); bigger inputs are shrunk to it, smaller ones run as they are.
   * Larger finds smaller faces but makes the detector fire on parts of big faces.
   */
  workingSize?: number;
  /**
   * Refine each face's landmarks with a second detector run on an upright 192² crop of it
   * (default true): about 5× steadier alignment on rotated or small faces, ~10 ms per face.
   */
  refine?: boolean;
  /** Cancels the detection; the promise rejects with code `ABORTED`. */
  signal?: AbortSignal;
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
  const image = await loadImage(ctx.platform, input, inputLimits(options));
  const { rgb, width, height } = splitAlpha(image);
  return detectInImage(ctx, { data: rgb, width, height }, options);
}

/**
 * Runs RetinaFace on a copy shrunk to at most `workingSize` on its long side, decodes,
 * applies NMS and maps the faces back to the image's coordinates; then refines each face's
 * landmarks on an upright crop (see {@link DetectFacesOptions.refine}).
 */
export async function detectInImage(ctx: FaceContext, image: RgbImage, options: DetectFacesOptions = {}, onProgress?: ProgressCallback): Promise<Face[]> {
  const { minScore = 0.8, maxFaces, workingSize = DEFAULT_DETECT_SIZE, signal, refine = true } = options;
  const spec = getModel("retinaface", "detector");
  const { session } = await ctx.pool.get(spec, signal, onProgress);
  throwIfAborted(signal);
  const detector = (rgb: Float32Array, w: number, h: number) => runRetinaface(ctx.platform, session, spec.input.name, rgb, w, h, minScore);

  // Only ever shrink: enlarging small photos puts their faces beyond the largest anchors
  // (512 px), where the landmarks drift by several pixels.
  const scale = Math.min(1, workingSize / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const sx = image.width / w, sy = image.height / h;
  const faces = (await detector(resizeToFloat(image, w, h), w, h)).map((d): Face => ({
    box: { x: d.box[0] * sx, y: d.box[1] * sy, width: (d.box[2] - d.box[0]) * sx, height: (d.box[3] - d.box[1]) * sy },
    score: d.score,
    landmarks: d.landmarks.map(([x, y]) => [x * sx, y * sy]) as FaceLandmarks,
  }));
  faces.sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
  const kept = maxFaces === undefined ? faces : faces.slice(0, maxFaces);
  if (!refine) return kept;
  for (const face of kept) {
    throwIfAborted(signal);
    face.landmarks = await refineLandmarks(image, face, detector);
  }
  return kept;
}

/** Side of the upright crop the landmarks are refined on (eyes ~47 px apart). */
const REFINE_SIZE = 192;

/**
 * Second look at one face: warp it upright to a small canonical crop, where the detector's
 * landmarks are most precise (rotated, tiny or huge faces drift by 10–20% of the eye
 * distance), detect again and map the landmarks back. Keeps the first ones if the crop
 * shows no face.
 */
async function refineLandmarks(image: RgbImage, face: Face, detector: Detector): Promise<FaceLandmarks> {
  const toCrop = alignmentFor(face.landmarks, REFINE_SIZE);
  const crop = warpSimilarity(image, toCrop, REFINE_SIZE, REFINE_SIZE);
  const found = await detector(Float32Array.from(crop.data), REFINE_SIZE, REFINE_SIZE);
  // The crop can show a neighbour's face too: take the one whose nose is nearest the template's.
  const [nx, ny] = faceTemplate(REFINE_SIZE)[2];
  const best = found.reduce<RawDetection | undefined>((b, d) => (!b || dist(d.landmarks[2], nx, ny) < dist(b.landmarks[2], nx, ny) ? d : b), undefined);
  if (!best || dist(best.landmarks[2], nx, ny) > REFINE_SIZE / 8) return face.landmarks;
  const back = invertSimilarity(toCrop);
  return best.landmarks.map((p) => applySimilarity(back, p)) as FaceLandmarks;
}

function dist([x, y]: Point, px: number, py: number): number {
  return Math.hypot(x - px, y - py);
}

type Detector = (rgb: Float32Array, width: number, height: number) => Promise<RawDetection[]>;

/** One detector run on interleaved float RGB, padded to the network's stride; tensor coordinates. */
async function runRetinaface(
  platform: Platform,
  session: InferenceSession,
  inputName: string,
  rgb: Float32Array,
  w: number,
  h: number,
  minScore: number,
): Promise<RawDetection[]> {
  const pw = paddedSize(w, RETINAFACE_MULTIPLE), ph = paddedSize(h, RETINAFACE_MULTIPLE);
  const input = retinafaceInput(rgb, w, h, pw, ph);
  const [loc, conf, landms] = await runDetector(platform, session, inputName, input, [1, 3, ph, pw]);
  const priors = retinafacePriors(pw, ph);
  const n = priors.length / 3;
  if (loc.length !== n * 4 || conf.length !== n * 2 || landms.length !== n * 10) {
    throw new Anime2dError("MODEL_MISMATCH", `Face detector returned ${conf.length / 2} scores for ${n} prior boxes on a ${pw}×${ph} input.`);
  }
  return decodeRetinaface(priors, loc, conf, landms, minScore, NMS_IOU);
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
