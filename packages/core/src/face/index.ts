/**
 * Face mode: RetinaFace detection (decoding and NMS in core, the network through the
 * injected runtime), five-point similarity alignment, and feathered paste-back.
 */
export * from "./options.js";
export * from "./detect.js";
export * from "./api.js";
export * from "./similarity.js";
export * from "./warp.js";
export * from "./align.js";
export * from "./paste.js";
export * from "./pass.js";
export { resizeToFloat } from "./resize.js";
export { retinafacePriors, decodeRetinaface, nonMaximumSuppression, boxIou, type RawDetection } from "./retinaface.js";
