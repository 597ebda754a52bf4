/**
 * The user-facing part of the core that every platform adapter re-exports unchanged:
 * settings, registry, errors, result type and the option/result types of the API.
 * Adapters add their own `stylize`, `createStylizer`, `detectFaces` and `upscale`.
 */
export { env } from "./env.js";
export { listStyles, listModels, registerStyle, DEFAULT_STYLE } from "./registry.js";
export { styleId, BUILTIN_STYLE_IDS } from "./style-id.js";
export type { StyleId, BuiltinStyleId, CustomStyleIds, RegisteredStyleId } from "./style-id.js";
export { Anime2dError, isAnime2dError } from "./errors.js";
export { AnimeImage } from "./output.js";
export { listUpscalers, DEFAULT_UPSCALER } from "./finish/upscale.js";
export { defaultColorMode } from "./finish/color-defaults.js";
export type { Anime2dErrorCode } from "./errors.js";
export type { Anime2dEnv } from "./env.js";
export type { ImageInput } from "./input.js";
export type { RawImage, NdarrayLike } from "./image.js";
export type { ModelSpec, StyleInfo, TensorSpec, ModelKind } from "./registry.js";
export type { StylizeOptions } from "./pipeline.js";
export type { StylizerOptions, OneShotOptions, Stylizer } from "./stylizer.js";
export type { ProgressEvent, ProgressCallback, ProgressStage } from "./progress.js";
export type { ImageFormat, EncodeOptions, ImageCodec, ImageHeader, Platform, OrtModule, ModelIO, ModelCache } from "./platform.js";
export type { ModelSource } from "./model-source.js";
export type { ModelStatus } from "./model-store.js";
export type { UpscaleOptions } from "./finish/upscale-api.js";
export type { UpscalerId } from "./finish/upscale.js";
export type { ColorMode } from "./finish/color.js";
export type { FinishOptions } from "./finish/options.js";
export type { TileOptions, TileSpec } from "./tiling/options.js";
export type { Face, FaceBox, FaceLandmarks, DetectFacesOptions } from "./face/detect.js";
export type { FaceMode, FaceBackground, FaceOptions } from "./face/options.js";
export type { OneShotDetectOptions } from "./face/api.js";
export { optimizeModel, OPTIMIZER_VERSION } from "./optimize/index.js";
export { nchwcBlockSize } from "./optimize/block-size.js";
export type { OptimizeOptions } from "./optimize/index.js";
export type { Int8Params } from "./optimize/int8-qdq.js";
export { activationRange } from "./optimize/int8-qdq.js";
export { int8Styles } from "./optimize/int8-registry.js";
export type { Precision } from "./optimize/int8-registry.js";
export type { OptimizeReport } from "./optimize/index.js";
export type { BatchOptions, BatchResult, BatchProgressEvent } from "./batch.js";
export type { WarmupOptions } from "./warmup.js";
export type { FrozenStats, FrameOptions, TemporalOptions, TemporalMode } from "./video/index.js";
