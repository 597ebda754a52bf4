/**
 * Opt-in WebGPU for anime2d in browsers: `import "anime2d/webgpu"` once, then
 * `createStylizer({ backend: "webgpu" })`. Without this import, bundlers never see ONNX
 * Runtime's WebGPU build, so wasm-only apps do not ship its 27 MB wasm file.
 * @packageDocumentation
 */
import { provideWebGpuRuntime } from "./runtime.js";

provideWebGpuRuntime(() => import("onnxruntime-web/webgpu"));

/** True once this module is loaded: `backend: "webgpu"` can then be used. */
export const webgpuAvailable = true;
