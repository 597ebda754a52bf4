/**
 * The worker side of `createStylizer({ worker: true })`: a local stylizer driven by messages.
 * @packageDocumentation
 */
import { env, type Stylizer } from "@anime2d/core";
import { createLocalStylizer } from "./local-stylizer.js";
import { toWire, type FromWorker, type ToWorker } from "./worker-protocol.js";

interface WorkerScope {
  name?: string;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  close(): void;
}
const scope = globalThis as unknown as WorkerScope;

let stylizer: Stylizer | undefined;
const running = new Map<number, AbortController>();

// Without wasmPaths, ONNX Runtime starts its thread workers from the script that holds it,
// which may be this one: those must stay ONNX Runtime's, so they get no handler of ours.
if (!scope.name?.startsWith("em-pthread")) scope.addEventListener("message", (event) => void handle(event.data));

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "init":
      Object.assign(env, message.env);
      stylizer = createLocalStylizer(message.options);
      return;
    case "stylize":
      return stylize(message.id, message.input, message.options);
    case "abort":
      running.get(message.id)?.abort();
      return;
    case "dispose":
      await stylizer?.dispose();
      scope.postMessage({ type: "disposed" });
      scope.close();
  }
}

async function stylize(id: number, input: unknown, options: Extract<ToWorker, { type: "stylize" }>["options"]): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const out = await stylizer!.stylize(input as object, {
      ...options,
      signal: controller.signal,
      onProgress: (event) => scope.postMessage({ type: "progress", id, event }),
    });
    const image = out.toRawImage();
    scope.postMessage({ type: "result", id, image }, [image.data.buffer as ArrayBuffer]);
  } catch (error) {
    scope.postMessage({ type: "error", id, error: toWire(error) });
  } finally {
    running.delete(id);
  }
}
