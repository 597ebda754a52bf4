/**
 * The worker side of `createStylizer({ worker: true })`: the core's protocol host on the
 * browser platform.
 * @packageDocumentation
 */
import { ModelPool, serveWorker, type HostPort, type ToWorker } from "@anime2d/core";
import { webPlatform } from "./platform.js";
import { loadRuntime, type WebRuntimeOptions } from "./runtime.js";

interface WorkerScope extends HostPort {
  name?: string;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const handle = serveWorker(scope, async (options) => {
  const { backend, wasmPaths, threads, modelDir, models, sessionOptions } = options as typeof options & WebRuntimeOptions;
  const platform = webPlatform(await loadRuntime({ backend, wasmPaths, threads }));
  return { platform, pool: new ModelPool(platform, { modelDir, models, threads, sessionOptions }) };
});

// Without wasmPaths, ONNX Runtime starts its thread workers from the script that holds it,
// which may be this one: those must stay ONNX Runtime's, so they get no handler of ours.
if (!scope.name?.startsWith("em-pthread")) scope.addEventListener("message", (event) => void handle(event.data));
