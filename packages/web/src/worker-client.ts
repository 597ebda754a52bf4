import { Anime2dError, env, isNdarrayLike, ndarrayToRawImage, throwIfAborted, type ImageInput, type ProgressCallback, type StylizeOptions } from "@anime2d/core";
import { absoluteUrl } from "./io.js";
import type { WebStylizer } from "./local-stylizer.js";
import { WebAnimeImage } from "./output.js";
import { resultPlatform } from "./platform.js";
import { loadRuntime } from "./runtime.js";
import { fromWire, type FromWorker, type ToWorker, type WorkerInitOptions } from "./worker-protocol.js";

/** How to start the worker: the bundled script by default, or your own URL. */
export interface WorkerOptions {
  /** URL of a self-hosted copy of anime2d's `worker.js` (module worker). */
  url?: string | URL;
}

interface Pending {
  resolve(image: WebAnimeImage): void;
  reject(error: Error): void;
  onProgress?: ProgressCallback;
}

/**
 * A stylizer whose models run in a dedicated module worker, so inference never blocks the
 * page. Inputs are turned into transferable forms here; results come back as pixels.
 */
export function createWorkerStylizer(options: WorkerInitOptions & Pick<StylizeOptions, "signal" | "onProgress">, workerOptions: WorkerOptions = {}): WebStylizer {
  const { signal: defaultSignal, onProgress: defaultProgress, ...initOptions } = options;
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;

  const start = (): Worker => {
    if (worker) return worker;
    const w = workerOptions.url
      ? new Worker(workerOptions.url, { type: "module", name: "anime2d" })
      : new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "anime2d" });
    w.addEventListener("message", (event: MessageEvent<FromWorker>) => settle(event.data));
    w.addEventListener("error", (event) => fail(new Anime2dError("UNSUPPORTED", `The anime2d worker failed: ${event.message || "could not load worker.js"}.`)));
    post(w, { type: "init", options: { ...initOptions, threads: initOptions.threads ?? workerThreads() }, env: { ...env } });
    return (worker = w);
  };

  function settle(message: FromWorker): void {
    if (message.type === "disposed") return;
    const job = pending.get(message.id);
    if (!job) return;
    if (message.type === "progress") return void job.onProgress?.(message.event);
    pending.delete(message.id);
    if (message.type === "result") job.resolve(new WebAnimeImage(message.image, resultPlatform));
    else job.reject(fromWire(message.error));
  }

  function fail(error: Anime2dError): void {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
    worker?.terminate();
    worker = undefined;
  }

  return {
    async stylize(input: ImageInput, callOptions: StylizeOptions = {}) {
      const { signal = defaultSignal, onProgress = defaultProgress, ...rest } = callOptions;
      throwIfAborted(signal);
      const [message, transfer] = await transferable(input);
      throwIfAborted(signal);
      const w = start();
      const id = nextId++;
      return new Promise<WebAnimeImage>((resolve, reject) => {
        const onAbort = () => post(w, { type: "abort", id });
        signal?.addEventListener("abort", onAbort, { once: true });
        const done = () => signal?.removeEventListener("abort", onAbort);
        pending.set(id, {
          resolve: (image) => (done(), resolve(image)),
          reject: (error) => (done(), reject(error)),
          onProgress,
        });
        post(w, { type: "stylize", id, input: message, options: rest }, transfer);
      });
    },
    async runtimeInfo() {
      // The worker's runtime follows the same rules; report what a worker would pick.
      return (await loadRuntime(initOptions, "worker")).info;
    },
    async dispose() {
      fail(new Anime2dError("ABORTED", "The stylizer was disposed."));
    },
  };
}

function post(worker: Worker, message: ToWorker, transfer: Transferable[] = []): void {
  worker.postMessage(message, transfer);
}


/** Turns page-only inputs (elements, canvases) into what structured clone can carry. */
async function transferable(input: ImageInput): Promise<[unknown, Transferable[]]> {
  if (typeof input === "string") return [absoluteUrl(input), []];
  if (isNdarrayLike(input)) return [ndarrayToRawImage(input), []];
  const g = globalThis as Record<string, unknown>;
  const is = (name: string) => typeof g[name] === "function" && input instanceof (g[name] as new () => object);
  if (is("HTMLImageElement")) {
    const image = input as HTMLImageElement;
    if (!image.complete || image.naturalWidth === 0) await image.decode().catch(() => {});
  }
  if (is("HTMLImageElement") || is("HTMLCanvasElement") || is("OffscreenCanvas") || is("ImageBitmap")) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(input as ImageBitmapSource);
    } catch (error) {
      throw new Anime2dError("DECODE_FAILED", `Could not read the image for the worker: ${(error as Error).message}`, { cause: error });
    }
    return [bitmap, [bitmap]];
  }
  return [input, []];
}

/**
 * Default wasm threads in worker mode: one core is left to the page, so its own work
 * (painting, input) is not starved while the worker's threads compute.
 */
function workerThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores - 1));
}
