import { Anime2dError, throwIfAborted } from "../errors.js";
import type { DetectFacesOptions, Face } from "../face/detect.js";
import { planFaces } from "../face/pass.js";
import type { RawImage, RgbImage } from "../image.js";
import type { StylizeOptions } from "../pipeline.js";
import { DEFAULT_STYLE, getModel } from "../registry.js";
import { CutDetector } from "./cuts.js";
import { FaceSmoother } from "./landmarks.js";
import { SteadyBlend } from "./steady.js";
import { planTemporal, type TemporalOptions } from "./options.js";
import type { FrozenStats } from "./statistics.js";

/** One decoded video frame: RGB pixels and its presentation time. */
export interface VideoFrame {
  image: RgbImage;
  /** Presentation time in seconds. */
  timestamp: number;
  /** Display duration in seconds, when the source says. */
  duration?: number;
}

/** A stylized frame, in input order. */
export interface StylizedFrame {
  frame: VideoFrame;
  image: RawImage;
  /** Index of the shot the frame belongs to (0 for the first). */
  shot: number;
}

/**
 * What video needs from a stylizer: the public `Stylizer` (in-thread or on the worker pool)
 * satisfies it.
 */
export interface FrameStylizer {
  stylize(frame: RawImage, options?: StylizeOptions): Promise<RawImage>;
  measureStatistics(frames: RawImage[], options?: StylizeOptions): Promise<FrozenStats | undefined>;
  detectFaces?(frame: RawImage, options?: DetectFacesOptions): Promise<Face[]>;
}

/** Options of {@link stylizeFrames}. */
export type FramesOptions = StylizeOptions & TemporalOptions;

/**
 * Stylizes a stream of frames, yielding them in order. Shots are found by a cut detector;
 * in `"frozen"` mode a shot's first `statsFrames` frames are held back until its statistics
 * are measured on them, then every frame of the shot runs with those statistics. In face
 * mode the landmarks are detected in order, smoothed, and handed to `stylize()`. At most
 * `concurrency` frames are stylized at once, plus the frames held for statistics, so memory
 * stays bounded by a few frames.
 */
export async function* stylizeFrames(frames: AsyncIterable<VideoFrame>, stylizer: FrameStylizer, options: FramesOptions = {}): AsyncGenerator<StylizedFrame> {
  const { temporal, cutThreshold, statsFrames, smoothFaces, concurrency, steady, ...stylizeOptions } = { ...options, ...planTemporal(options) };
  const { signal } = stylizeOptions;
  const face = planFaces(stylizeOptions, getModel(stylizeOptions.style ?? DEFAULT_STYLE, "style"));
  if (face.mode === "avatar") throw new Anime2dError("INVALID_OPTION", `face: "avatar" makes square crops, not frames; video takes "off" or "auto".`);
  const cuts = new CutDetector(cutThreshold);
  const smoother = face.mode === "auto" && smoothFaces && stylizer.detectFaces ? new FaceSmoother() : undefined;
  const detect = { minScore: face.minScore, maxFaces: face.maxFaces, signal };

  const blend = new SteadyBlend(steady);
  let blendShot = 0;
  // Outputs leave in order, blended with the previous one where the input stood still.
  const next = async (): Promise<StylizedFrame> => {
    const done = await inFlight.shift()!;
    if (done.shot !== blendShot) {
      blend.reset();
      blendShot = done.shot;
    }
    blend.push(done.frame.image, done.image);
    return done;
  };
  const inFlight: Promise<StylizedFrame>[] = [];
  let held: VideoFrame[] = [];
  let shot = -1;
  let stats: Promise<FrozenStats | undefined> | undefined;
  // Landmarks are smoothed in frame order: detections are chained one after the other.
  let faces: Promise<unknown> = Promise.resolve();

  const submit = (frame: VideoFrame, shotIndex: number, shotStats?: Promise<FrozenStats | undefined>) => {
    const frameFaces = smoother
      ? (faces = faces.then(async () => smoother.push(await stylizer.detectFaces!(raw(frame.image), detect)))) as Promise<Face[]>
      : undefined;
    const done = (async (): Promise<StylizedFrame> => {
      const [statistics, found] = await Promise.all([shotStats, frameFaces]);
      const image = await stylizer.stylize(raw(frame.image), { ...stylizeOptions, statistics, faces: found });
      return { frame, image, shot: shotIndex };
    })();
    done.catch(() => {}); // awaited in order below; an early failure must not go unhandled meanwhile
    inFlight.push(done);
  };
  const releaseHeld = () => {
    if (held.length === 0) return;
    stats = stylizer.measureStatistics(held.map((f) => raw(f.image)), stylizeOptions);
    stats.catch(() => {});
    for (const f of held) submit(f, shot, stats);
    held = [];
  };

  for await (const frame of frames) {
    throwIfAborted(signal);
    if (cuts.push(frame.image)) {
      releaseHeld();
      shot++;
      stats = undefined;
      if (smoother) faces = faces.then(() => smoother.reset());
    }
    if (temporal === "per-frame") submit(frame, shot);
    else if (stats) submit(frame, shot, stats);
    else if (held.push(frame) >= statsFrames) releaseHeld();
    while (inFlight.length >= concurrency) yield await next();
  }
  releaseHeld();
  while (inFlight.length > 0) yield await next();
}

function raw(image: RgbImage): RawImage {
  return { data: image.data, width: image.width, height: image.height, channels: 3 };
}
