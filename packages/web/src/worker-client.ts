import { Anime2dError, createPooledStylizer, isNdarrayLike, ndarrayToRawImage, WorkerPool, type ImageInput, type SpawnWorker, type StylizerOptions, type WorkerInit } from "@anime2d/core";
import { absoluteUrl } from "./io.js";
import type { WebStylizer } from "./local-stylizer.js";
import { WebAnimeImage } from "./output.js";
import { resultPlatform } from "./platform.js";
import { loadRuntime, type WebRuntimeOptions } from "./runtime.js";

/** How to start the worker: the bundled script by default, or your own URL. */
export interface WorkerOptions {
  /** URL of a self-hosted copy of anime2d's `worker.js` (module worker). */
  url?: string | URL;
}

/**
 * A stylizer whose models run in a dedicated module worker, so inference never blocks the
 * page. It speaks the core's worker protocol through a pool of one worker; inputs are turned
 * into transferable forms here, results come back as pixels.
 */
export function createWorkerStylizer(options: StylizerOptions & WebRuntimeOptions, workerOptions: WorkerOptions = {}): WebStylizer {
  const { modelDir, models, threads, sessionOptions, backend, wasmPaths, ...defaults } = options;
  const runtime = { backend, wasmPaths, threads: threads ?? workerThreads() };
  const init: WorkerInit = { modelDir, models, sessionOptions, ...runtime };
  const pool = new WorkerPool({ size: 1, maxQueue: Infinity, init, spawn: spawnWebWorker(workerOptions) });
  const stylizer = createPooledStylizer({ pool, defaults, prepareInput: transferable, toImage: (image) => new WebAnimeImage(image, resultPlatform) });
  return {
    ...stylizer,
    async runtimeInfo() {
      // The worker's runtime follows the same rules; report what this page would pick.
      return (await loadRuntime({ backend, wasmPaths, threads })).info;
    },
  };
}

function spawnWebWorker(workerOptions: WorkerOptions): SpawnWorker {
  return (events) => {
    const worker = workerOptions.url
      ? new Worker(workerOptions.url, { type: "module", name: "anime2d" })
      : new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "anime2d" });
    worker.addEventListener("message", (event: MessageEvent) => events.message(event.data));
    worker.addEventListener("error", (event) => {
      worker.terminate();
      events.exit(event.message || "could not load worker.js");
    });
    return { post: (message, transfer = []) => worker.postMessage(message, transfer), terminate: () => worker.terminate() };
  };
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
