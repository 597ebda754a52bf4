/**
 * Video: shot cuts, per-shot frozen statistics, landmark smoothing and frame scheduling,
 * shared by the Node (ffmpeg) and browser (WebCodecs) adapters.
 * @module
 */
export * from "./options.js";
export * from "./cuts.js";
export * from "./statistics.js";
export * from "./landmarks.js";
export * from "./frames.js";
export * from "./measure.js";
export * from "./steady.js";
