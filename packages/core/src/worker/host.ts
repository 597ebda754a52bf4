import { Anime2dError } from "../errors.js";
import { env } from "../env.js";
import { detectFacesWith } from "../face/detect.js";
import { upscalePipeline } from "../finish/upscale-api.js";
import type { ImageInput } from "../input.js";
import { AnimeImage } from "../output.js";
import { stylizePipeline, type PipelineContext } from "../pipeline.js";
import { registerModel } from "../registry.js";
import { warmupPipeline } from "../warmup.js";
import { toWire, transferables, type FromWorker, type ToWorker, type WireResult, type WorkerInit, type WorkerSetup } from "./protocol.js";

/** One operation a worker (or an in-thread stylizer) can run: the pipeline's entry points. */
export type Operation = (ctx: PipelineContext, input: ImageInput, options: Record<string, unknown>) => Promise<unknown>;

/**
 * The operation table. Adding an operation = one entry here plus a method on the stylizers
 * (see `runOperation`): workers, the pool and the protocol need no change.
 */
export const OPERATIONS: Record<string, Operation> = {
  stylize: stylizePipeline,
  detectFaces: detectFacesWith,
  upscale: upscalePipeline,
  warmup: warmupPipeline,
};

/** Runs a named operation of {@link OPERATIONS} on this thread. */
export function runOperation(ctx: PipelineContext, op: string, input: ImageInput, options: object = {}): Promise<unknown> {
  const operation = OPERATIONS[op];
  if (!operation) return Promise.reject(new Anime2dError("UNSUPPORTED", `Unknown operation "${op}".`));
  return operation(ctx, input, options as Record<string, unknown>);
}

/** Where a host writes its answers (a worker's `postMessage`). */
export interface HostPort {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

/** Opens the models a worker runs with, from its `init` message. */
export type OpenContext = (options: WorkerInit) => PipelineContext | Promise<PipelineContext>;

/**
 * The worker side of the protocol: answers `run` requests with the one pipeline, forwards
 * progress, turns `abort` into the request's AbortSignal, and frees the sessions on `dispose`.
 * Returns the message handler to attach to the worker's port.
 */
export function serveWorker(port: HostPort, open: OpenContext): (message: ToWorker) => Promise<void> {
  let context: Promise<PipelineContext> | undefined;
  const running = new Map<number, AbortController>();

  async function run(message: Extract<ToWorker, { type: "run" }>): Promise<void> {
    const { id, op, input, options, setup } = message;
    const controller = new AbortController();
    running.set(id, controller);
    try {
      applySetup(setup);
      if (!context) throw new Anime2dError("UNSUPPORTED", "The worker received a request before init.");
      const ctx = await context;
      const value = await runOperation(ctx, op, input as ImageInput, {
        ...options,
        signal: controller.signal,
        onProgress: (event: unknown) => port.postMessage({ type: "progress", id, event } as FromWorker),
      });
      const result: WireResult = value instanceof AnimeImage ? { kind: "image", image: value.toRawImage() } : { kind: "value", value };
      post(port, { type: "result", id, result }, transferables(result));
    } catch (error) {
      port.postMessage({ type: "error", id, error: toWire(error) });
    } finally {
      running.delete(id);
    }
  }

  return async (message) => {
    switch (message.type) {
      case "init":
        context = Promise.resolve(open(message.options));
        // Surface a failed start on the first request, not as an unhandled rejection.
        context.catch(() => {});
        port.postMessage({ type: "ready" });
        return;
      case "run":
        return run(message);
      case "abort":
        running.get(message.id)?.abort();
        return;
      case "dispose":
        for (const controller of running.values()) controller.abort();
        await (await context?.catch(() => undefined))?.pool.dispose();
        port.postMessage({ type: "disposed" });
    }
  };
}

/** Mirrors the caller's settings: `env` and the custom styles it registered. */
function applySetup(setup: WorkerSetup): void {
  Object.assign(env, setup.env);
  for (const spec of setup.models) registerModel(spec);
}

/** Posts with transfers; falls back to a copy for buffers the runtime will not move. */
function post(port: HostPort, message: FromWorker, transfer: ArrayBuffer[]): void {
  try {
    port.postMessage(message, transfer);
  } catch {
    port.postMessage(message);
  }
}
