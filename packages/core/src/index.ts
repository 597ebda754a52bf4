/**
 * anime2d core: runtime-agnostic image math, model registry, model resolution and the
 * stylization pipeline. Platform adapters (`anime2d/node`, `anime2d/web`) inject ONNX
 * Runtime, an image codec and IO.
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./image.js";
export * from "./tensor.js";
export * from "./registry.js";
export * from "./style-id.js";
export * from "./platform.js";
export * from "./env.js";
export * from "./progress.js";
export * from "./model-source.js";
export * from "./model-store.js";
export * from "./download.js";
export * from "./model-pool.js";
export * from "./generate.js";
export * from "./input.js";
export * from "./format.js";
export * from "./validate.js";
export * from "./output.js";
export * from "./strength.js";
export * from "./pipeline.js";
export * from "./stylizer.js";
export * from "./batch.js";
export * from "./warmup.js";
export * from "./worker/protocol.js";
export * from "./worker/host.js";
export * from "./worker/pool.js";
export * from "./worker/client.js";
export * from "./finish/index.js";
export * from "./tiling/index.js";
export * from "./face/index.js";
export * from "./optimize/index.js";
export * from "./optimize/cache.js";
export * from "./optimize/block-size.js";
export { NCHWC_DOMAIN } from "./optimize/blocked-layout.js";
export { reorderFilter } from "./optimize/blocked-weights.js";
export * from "./optimize/int8-qdq.js";
export * from "./optimize/int8-registry.js";
export * from "./video/index.js";
