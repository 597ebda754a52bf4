import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  AnimeImage,
  Anime2dError,
  checkPixels,
  checkPrecision,
  checkThreads,
  createPooledStylizer,
  env,
  isNdarrayLike,
  isRawImage,
  ndarrayToRawImage,
  WorkerPool,
  type ImageInput,
  type SpawnWorker,
  type Stylizer,
  type StylizerOptions,
} from "@anime2d/core";
import { nodePlatform } from "./platform.js";

/** How a Node stylizer runs its models. */
export interface WorkerPoolOptions {
  /** Run in worker threads (default `true`); `false` runs on the calling thread, blocking its event loop. */
  worker?: boolean;
  /** Worker threads in the pool (default: see {@link defaultPoolShape}). */
  workers?: number;
  /** ONNX Runtime threads per worker (default: the cores divided among the workers). */
  threads?: number;
  /** Most jobs waiting for a free worker before calls fail with `QUEUE_FULL` (default 256). */
  maxQueue?: number;
}

/** Default `maxQueue`: a burst of uploads queues, a flood is refused. */
export const DEFAULT_MAX_QUEUE = 256;

/**
 * Default pool shape, measured on a 2-core machine (docs/server.md): one worker using every
 * core answers one photo 1.7× sooner than one single-threaded worker per core, with half the
 * memory; one worker per core gives 1.15× the batch throughput (the CLI's default for folders).
 */
export function defaultPoolShape(options: Pick<WorkerPoolOptions, "workers" | "threads"> = {}): { workers: number; threads: number } {
  const cores = availableParallelism();
  const workers = options.workers ?? (options.threads ? Math.max(1, Math.floor(cores / options.threads)) : 1);
  const threads = options.threads ?? Math.max(1, Math.floor(cores / workers));
  return { workers, threads };
}

/** A stylizer whose pipeline runs in a pool of worker threads; the calling thread only routes messages. */
export function createWorkerStylizer(options: StylizerOptions & WorkerPoolOptions = {}): Stylizer {
  const { worker: _worker, workers: w, threads: t, maxQueue = DEFAULT_MAX_QUEUE, modelDir, models, sessionOptions, optimize, precision, ...defaults } = options;
  // Checked here, before any worker starts, so a bad option fails the call that gave it.
  if (t !== undefined) checkThreads(t, availableParallelism());
  checkPrecision(precision);
  const { workers, threads } = defaultPoolShape({ workers: w, threads: t });
  checkPositive("workers", workers);
  if (!(maxQueue >= 0)) throw new Anime2dError("INVALID_OPTION", `maxQueue must be a number ≥ 0, got ${maxQueue}.`);
  const init = { modelDir, models, threads, sessionOptions, optimize, precision };
  const pool = new WorkerPool({ size: workers, maxQueue, init, spawn: spawnNodeWorker });
  return createPooledStylizer({
    pool,
    defaults,
    prepareInput: (input) => prepareInput(input, defaults.maxInputPixels),
    toImage: (image) => new AnimeImage(image, nodePlatform),
  });
}

const shared = new Map<string, Stylizer>();

/**
 * The worker stylizer the one-shot `stylize()`, `detectFaces()` and `upscale()` share, one per
 * (modelDir, threads, optimize, precision); started on first use, its idle workers never keep the process alive.
 */
export function sharedWorkerStylizer(options: Pick<StylizerOptions, "modelDir" | "threads" | "optimize" | "precision"> = {}): Stylizer {
  const { modelDir, threads, optimize, precision } = options;
  const key = JSON.stringify([modelDir, threads, optimize, precision]);
  let stylizer = shared.get(key);
  if (!stylizer) shared.set(key, (stylizer = createWorkerStylizer({ modelDir, threads, optimize, precision })));
  return stylizer;
}

const spawnNodeWorker: SpawnWorker = (events) => {
  const worker = newWorker();
  let failure: Error | undefined;
  worker.on("message", events.message);
  worker.on("error", (error) => (failure = error));
  worker.on("exit", (code) => events.exit(failure ? failure.message : `exit code ${code}`));
  // Idle workers never keep the process alive: a script that forgets dispose() still exits.
  worker.unref();
  return {
    post: (message, transfer) => worker.postMessage(message, transfer as never),
    terminate: () => void worker.terminate(),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
  };
};

/** Node's flags that a worker refuses (found on the first start), left out of every start. */
let refusedFlags: string[] = [];

/**
 * A worker with Node's flags, less those a worker refuses: `--input-type` (it refuses a file
 * entry) and process-wide V8 flags such as `--expose-gc` or `--max-old-space-size`, which Node
 * rejects per worker (ERR_WORKER_INVALID_EXEC_ARGV) but which apply to workers anyway.
 */
function newWorker(): Worker {
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith("--input-type") && !refusedFlags.includes(flag));
  try {
    return new Worker(workerFile(), { name: "anime2d", execArgv });
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
    refusedFlags = execArgv.filter((flag) => (error as Error).message.includes(flag.split("=")[0]!));
    return new Worker(workerFile(), { name: "anime2d", execArgv: execArgv.filter((flag) => !refusedFlags.includes(flag)) });
  }
}

/**
 * The built worker entry beside this module (dist/node/worker.js, from the ESM and the CJS
 * build alike); from the TypeScript sources (tests), the built one in the repository's dist.
 */
function workerFile(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "../../../dist/node/worker.js" : "./worker.js", here);
}

/** Inputs as they cross: paths and bytes as they are (decoded in the worker), pixels packed. */
function prepareInput(input: ImageInput, maxInputPixels: number | undefined): [unknown, Transferable[]] {
  if (isNdarrayLike(input)) {
    if (input.shape.length === 3) checkPixels(input.shape[1]!, input.shape[0]!, maxInputPixels ?? env.maxInputPixels);
    // The packed copy is ours: move it rather than copy it again.
    const image = ndarrayToRawImage(input);
    return [image, [image.data.buffer as ArrayBuffer]];
  }
  // AnimeImage results carry their platform: send only the pixels.
  if (isRawImage(input)) return [{ data: input.data, width: input.width, height: input.height, channels: input.channels }, []];
  return [input, []];
}

function checkPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Anime2dError("INVALID_OPTION", `${name} must be a positive integer, got ${value}.`);
}
