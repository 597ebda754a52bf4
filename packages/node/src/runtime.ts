import type { Tensor } from "onnxruntime-common";
import type { OrtModule } from "@anime2d/core";
import { optionalPeer } from "./optional.js";

/** onnxruntime-node, imported on the first model load (an optional peer). */
export const loadOrt = optionalPeer("onnxruntime-node", "to run the models in Node", () => import("onnxruntime-node"));

/** sharp, imported on the first decode or encode (an optional peer). */
export const loadSharp = optionalPeer("sharp", "to decode and encode images in Node", async () => (await import("sharp")).default);

let ort: typeof import("onnxruntime-node") | undefined;

/**
 * onnxruntime-node behind the core's {@link OrtModule}: importing anime2d stays free of the
 * native module, and a missing one fails the first call with `RUNTIME_MISSING`. Tensors are
 * only built after a session exists, so by then the module is loaded.
 */
export const lazyOrt: OrtModule = {
  InferenceSession: {
    async create(model, options) {
      ort ??= await loadOrt();
      return ort.InferenceSession.create(model, options);
    },
  },
  Tensor: function Tensor(type: "float32", data: Float32Array, dims: readonly number[]) {
    if (!ort) throw new Error("onnxruntime-node is used before any session was created.");
    return new ort.Tensor(type, data, dims);
  } as unknown as new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor,
};
