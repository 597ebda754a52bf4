import * as ortWasm from "onnxruntime-web/wasm";
import type { Platform } from "@anime2d/core";
import { canvasCodec } from "./codec.js";
import { loadBrowserInput } from "./input.js";
import { webModelIO } from "./io.js";
import type { WebRuntime } from "./runtime.js";

/** The browser platform on a configured ONNX Runtime Web: canvas codec, fetch + Cache API IO. */
export function webPlatform(runtime: WebRuntime): Platform {
  return {
    name: "web",
    ort: runtime.ort,
    codec: canvasCodec,
    io: webModelIO,
    loadInput: loadBrowserInput,
    sessionOptions: () => ({
      executionProviders: runtime.executionProviders,
      // Spinning threads steal the core the page (and the other wasm thread) needs; on busy
      // machines that made 2 threads slower than 1.
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    }),
  };
}

/**
 * The platform of results that came back from a worker: they only encode, so the page's
 * ONNX Runtime is referenced but never configured or started.
 */
export const resultPlatform: Platform = webPlatform({
  ort: ortWasm,
  executionProviders: ["wasm"],
  info: { backend: "wasm", threads: 1, crossOriginIsolated: false },
});
