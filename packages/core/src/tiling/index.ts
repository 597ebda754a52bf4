/**
 * Tiling: planning, blending, tone harmonisation and the tiled runner for large images.
 * @module
 */
export * from "./options.js";
export * from "./plan.js";
export * from "./weights.js";
export * from "./pixels.js";
export * from "./mosaic.js";
export * from "./frozen-stats.js";
export * from "./run-tiled.js";
export * from "./run-auto.js";
export * from "../onnx/onnx-graph.js";
