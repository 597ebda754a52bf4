import { Anime2dError } from "../errors.js";
import type { Face } from "../face/detect.js";
import type { FrozenStats } from "./statistics.js";
import { DEFAULT_CUT_THRESHOLD } from "./cuts.js";

/**
 * Per-frame inputs of `stylize()` that video sets for each frame; plain data, so they cross
 * to a worker unchanged.
 */
export interface FrameOptions {
  /**
   * Normalisation statistics to run the style generator with, instead of the image's own
   * (from `measureStatistics()`): frames of one shot share them, so the shot's tone does not
   * flicker from frame to frame. Ignored by models without global statistics.
   */
  statistics?: FrozenStats;
  /** Faces to stylize in `face: "auto"` mode instead of detecting them (video: smoothed over time). */
  faces?: Face[];
}

/** How frames of a video are stylized: see docs/video.md. */
export type TemporalMode = "frozen" | "per-frame";

/** Temporal options of `stylizeVideo()`. */
export interface TemporalOptions {
  /**
   * `"frozen"` (default): each shot's normalisation statistics are measured once, on its
   * first frames, and every frame of the shot runs with them (no flicker). `"per-frame"`:
   * every frame is stylized alone, as the peers do (for comparison).
   */
  temporal?: TemporalMode;
  /** Histogram distance (0..1) above which a new shot starts (default 0.3; see `CutDetector`). */
  cutThreshold?: number;
  /**
   * How many first frames of a shot its statistics are measured on (default 2: the
   * statistics run costs about one frame then; 4 frames cost about 4 at 640×360).
   */
  statsFrames?: number;
  /** Smooth face landmarks over time in face mode (default true). */
  smoothFaces?: boolean;
  /**
   * Weight (0..0.95) of the previous output where the input did not move, in `"frozen"` mode
   * (default 0.7; 0 turns it off; see `SteadyBlend`): still parts of a shot settle instead of
   * re-rendering the sensor noise every frame. Always 0 in `"per-frame"` mode.
   */
  steady?: number;
  /** Frames stylized at once (default 2; the worker pool's size is a good value). */
  concurrency?: number;
}

/** Default {@link TemporalOptions.steady}. */
export const DEFAULT_STEADY = 0.7;

/** Temporal options with defaults applied. */
export type TemporalPlan = Required<TemporalOptions>;

/** Applies defaults and checks the temporal options, throwing `INVALID_OPTION`. */
export function planTemporal(options: TemporalOptions): TemporalPlan {
  const { temporal = "frozen", cutThreshold = DEFAULT_CUT_THRESHOLD, statsFrames = 2, smoothFaces = true, concurrency = 2, steady = DEFAULT_STEADY } = options;
  if (temporal !== "frozen" && temporal !== "per-frame") {
    throw new Anime2dError("INVALID_OPTION", `temporal must be "frozen" or "per-frame", got ${JSON.stringify(temporal)}.`);
  }
  if (!(typeof cutThreshold === "number" && cutThreshold > 0 && cutThreshold <= 1)) {
    throw new Anime2dError("INVALID_OPTION", `cutThreshold must be a number in (0, 1], got ${cutThreshold}.`);
  }
  if (!(Number.isInteger(statsFrames) && statsFrames >= 1 && statsFrames <= 64)) {
    throw new Anime2dError("INVALID_OPTION", `statsFrames must be an integer from 1 to 64, got ${statsFrames}.`);
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    throw new Anime2dError("INVALID_OPTION", `concurrency must be an integer from 1 to 64, got ${concurrency}.`);
  }
  if (!(typeof steady === "number" && steady >= 0 && steady <= 0.95)) {
    throw new Anime2dError("INVALID_OPTION", `steady must be a number from 0 to 0.95, got ${steady}.`);
  }
  return { temporal, cutThreshold, statsFrames, smoothFaces: smoothFaces !== false, concurrency, steady: temporal === "per-frame" ? 0 : steady };
}
