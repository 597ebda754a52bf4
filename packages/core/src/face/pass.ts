import { Anime2dError, throwIfAborted } from "../errors.js";
import { runImageModel } from "../generate.js";
import type { RgbImage } from "../image.js";
import type { ProgressCallback } from "../progress.js";
import { getModel, type ModelSpec } from "../registry.js";
import { alignmentFor, FACE_CROP_SIZE } from "./align.js";
import { detectInImage, type Face, type FaceContext } from "./detect.js";
import type { FaceBackground, FaceMode, FaceOptions } from "./options.js";
import { blendFaces, type FacePlacement } from "./paste.js";
import { warpSimilarity } from "./warp.js";

/** Face options with defaults applied and values checked. */
export interface FacePlan {
  mode: FaceMode;
  /** Style model for the face crops. */
  faceSpec: ModelSpec;
  background: FaceBackground;
  avatarSize: number;
  minScore: number;
  maxFaces: number;
  /** Faces given by the caller (video: smoothed over time), used instead of detecting. */
  faces?: Face[];
}

const DEFAULT_MAX_FACES = 16;

/**
 * Applies the defaults (`"auto"` for portrait styles, else `"off"`) and checks every face
 * option, throwing `INVALID_OPTION` / `UNKNOWN_STYLE` before any work starts.
 */
export function planFaces(options: FaceOptions & { faces?: Face[] }, styleSpec: ModelSpec): FacePlan {
  const mode = options.face ?? (styleSpec.portrait ? "auto" : "off");
  if (!["off", "auto", "avatar"].includes(mode)) {
    throw new Anime2dError("INVALID_OPTION", `face must be "off", "auto" or "avatar", got ${JSON.stringify(options.face)}.`);
  }
  const background = options.background ?? "stylize";
  if (background !== "stylize" && background !== "keep") {
    throw new Anime2dError("INVALID_OPTION", `background must be "stylize" or "keep", got ${JSON.stringify(options.background)}.`);
  }
  const avatarSize = options.avatarSize ?? FACE_CROP_SIZE;
  if (!(Number.isInteger(avatarSize) && avatarSize >= 64 && avatarSize <= 2048)) {
    throw new Anime2dError("INVALID_OPTION", `avatarSize must be an integer from 64 to 2048, got ${options.avatarSize}.`);
  }
  const minScore = options.minFaceScore ?? 0.8;
  if (!(typeof minScore === "number" && minScore >= 0 && minScore <= 1)) {
    throw new Anime2dError("INVALID_OPTION", `minFaceScore must be a number from 0 to 1, got ${options.minFaceScore}.`);
  }
  const maxFaces = options.maxFaces ?? DEFAULT_MAX_FACES;
  if (!(Number.isInteger(maxFaces) && maxFaces >= 1)) {
    throw new Anime2dError("INVALID_OPTION", `maxFaces must be a positive integer, got ${options.maxFaces}.`);
  }
  if (options.faces !== undefined && !Array.isArray(options.faces)) {
    throw new Anime2dError("INVALID_OPTION", `faces must be an array of faces (as detectFaces() returns).`);
  }
  const faceSpec = options.faceStyle === undefined ? styleSpec : getModel(options.faceStyle, "style");
  return { mode, faceSpec, background, avatarSize, minScore, maxFaces, faces: options.faces };
}

/**
 * The `"auto"` face pass: detects faces in `original`, stylizes each on an aligned crop and
 * blends the crops into `background` (the stylized image, or the original for `"keep"`).
 * Returns `background` itself when there is no face.
 */
export async function pasteStylizedFaces(
  ctx: FaceContext,
  original: RgbImage,
  background: RgbImage,
  plan: FacePlan,
  progress: ProgressCallback,
  signal?: AbortSignal,
): Promise<RgbImage> {
  const faces = await detect(ctx, original, plan, plan.maxFaces, progress, signal);
  if (faces.length === 0) return background;
  const model = await ctx.pool.get(plan.faceSpec, signal, progress);
  const placements: FacePlacement[] = [];
  for (const [i, face] of faces.entries()) {
    throwIfAborted(signal);
    progress({ stage: "face", model: plan.faceSpec.id, done: i, total: faces.length });
    const toCrop = alignmentFor(face.landmarks, FACE_CROP_SIZE);
    const crop = await runImageModel(model, warpSimilarity(original, toCrop, FACE_CROP_SIZE, FACE_CROP_SIZE));
    placements.push({ toCrop, crop });
  }
  progress({ stage: "face", model: plan.faceSpec.id, done: faces.length, total: faces.length });
  throwIfAborted(signal);
  progress({ stage: "blend" });
  return blendFaces(background, placements);
}

/**
 * The `"avatar"` crop: the largest face, upright and centred on the template in an
 * `avatarSize²` image (stylized afterwards like any image). `NO_FACE` when none is found.
 */
export async function avatarCrop(ctx: FaceContext, original: RgbImage, plan: FacePlan, progress: ProgressCallback, signal?: AbortSignal): Promise<RgbImage> {
  const [face] = await detect(ctx, original, plan, 1, progress, signal);
  if (!face) {
    throw new Anime2dError("NO_FACE", `No face found (minFaceScore ${plan.minScore}) in the ${original.width}×${original.height} input; "avatar" mode needs one.`);
  }
  return warpSimilarity(original, alignmentFor(face.landmarks, plan.avatarSize), plan.avatarSize, plan.avatarSize);
}

async function detect(ctx: FaceContext, image: RgbImage, plan: FacePlan, maxFaces: number, progress: ProgressCallback, signal?: AbortSignal): Promise<Face[]> {
  if (plan.faces) return plan.faces.filter((f) => f.score >= plan.minScore).slice(0, maxFaces);
  progress({ stage: "detect", model: "retinaface", progress: 0 });
  const faces = await detectInImage(ctx, image, { minScore: plan.minScore, maxFaces, signal }, progress);
  progress({ stage: "detect", model: "retinaface", progress: 1, total: faces.length });
  return faces;
}
