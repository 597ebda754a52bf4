import { Anime2dError } from "../errors.js";
import { env } from "../env.js";
import type { ProgressCallback } from "../progress.js";
import { customModels } from "../registry.js";
import { fromWire, type FromWorker, type ToWorker, type WireResult, type WorkerInit } from "./protocol.js";

/** One started worker as the pool sees it; adapters wrap worker_threads or Web Workers. */
export interface WorkerHandle {
  post(message: ToWorker, transfer?: Transferable[]): void;
  /** Ends the worker at once (only called once it is idle). */
  terminate(): void;
  /** Whether the worker keeps the process alive (Node: ref while it has a job, unref when idle). */
  hold?(busy: boolean): void;
}

/** Starts one worker; it reports its messages and its death through `events`. */
export type SpawnWorker = (events: { message(message: FromWorker): void; exit(reason: string): void }) => WorkerHandle;

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers (started on demand). */
  size: number;
  /** Most jobs waiting for a worker; more are refused with `QUEUE_FULL`. */
  maxQueue: number;
  /** What each worker is started with. */
  init: WorkerInit;
  spawn: SpawnWorker;
}

/** One request: an operation of the host's table on one input. */
export interface PoolJob {
  op: string;
  input: unknown;
  /** Structured-clonable options (no signal, no callbacks). */
  options: Record<string, unknown>;
  /** Buffers of the input to move instead of copy. */
  transfer?: Transferable[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

interface Job extends PoolJob {
  id: number;
  /** Only this worker may run it (warm-up runs once on each). */
  slot?: number;
  resolve(result: WireResult): void;
  reject(error: Anime2dError): void;
  settled: boolean;
  cleanup(): void;
}

interface Slot {
  index: number;
  worker?: WorkerHandle;
  ready: boolean;
  job?: Job;
  /** Resolves when the worker answered `dispose`. */
  disposed?: () => void;
}

/**
 * A fixed set of workers, each running one job at a time, with a bounded queue. A job
 * aborted while queued leaves the queue at once; a running one is told to stop at the next
 * stage boundary (its promise rejects at once). A worker that dies fails its job with
 * `WORKER_CRASHED` and is replaced for the next job.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: options.size }, (_, index) => ({ index, ready: false }));
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs a job on the first free worker. */
  run(job: PoolJob): Promise<WireResult> {
    return this.submit(job);
  }

  /** Runs a job once on every worker (e.g. warm-up), starting the workers that are not running. */
  async runOnEach(job: PoolJob): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.submit(job, slot.index)));
  }

  /** Ends every worker after it freed its sessions; queued and running jobs fail with `ABORTED`. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const disposed = new Anime2dError("ABORTED", "The stylizer was disposed.");
    for (const job of this.queue.splice(0)) this.settle(job, disposed);
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.job) this.settle(slot.job, disposed);
        const worker = slot.worker;
        if (!worker) return;
        // Let the worker stop at its next stage boundary and release its sessions. Ending a
        // worker while ONNX Runtime runs in it would abort the whole process (onnxruntime-node
        // throws from native code into a dying thread), so it is ended only once idle.
        await new Promise<void>((resolve) => {
          slot.disposed = resolve;
          // An idle worker is unref'd: hold the process until it has answered.
          worker.hold?.(true);
          worker.post({ type: "dispose" });
        });
        slot.worker = undefined;
        worker.terminate();
      }),
    );
  }

  private submit(request: PoolJob, slot?: number): Promise<WireResult> {
    if (this.closed) return Promise.reject(new Anime2dError("ABORTED", "The stylizer was disposed."));
    if (request.signal?.aborted) return Promise.reject(new Anime2dError("ABORTED", "The operation was aborted.", { cause: request.signal.reason }));
    const free = this.slots.some((s) => !s.job && (slot === undefined || s.index === slot));
    if (!free && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new Anime2dError("QUEUE_FULL", `All ${this.size} workers are busy and ${this.queue.length} jobs are waiting (maxQueue ${this.options.maxQueue}); try again later.`),
      );
    }
    return new Promise<WireResult>((resolve, reject) => {
      const job: Job = { ...request, id: this.nextId++, slot, resolve, reject, settled: false, cleanup: () => {} };
      const onAbort = () => this.abort(job);
      request.signal?.addEventListener("abort", onAbort, { once: true });
      job.cleanup = () => request.signal?.removeEventListener("abort", onAbort);
      this.queue.push(job);
      this.pump();
    });
  }

  private abort(job: Job): void {
    const error = new Anime2dError("ABORTED", "The operation was aborted.", { cause: job.signal?.reason });
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else this.slots.find((s) => s.job === job)?.worker?.post({ type: "abort", id: job.id });
    // A running job's worker stays busy until it reaches the next stage boundary.
    this.settle(job, error);
  }

  /** Starts queued jobs on free workers: running ones first, then new ones. */
  private pump(): void {
    if (this.closed) return;
    const free = this.slots.filter((s) => !s.job).sort((a, b) => Number(!a.worker) - Number(!b.worker));
    for (const slot of free) {
      const at = this.queue.findIndex((job) => job.slot === undefined || job.slot === slot.index);
      if (at < 0) continue;
      const [job] = this.queue.splice(at, 1);
      this.start(slot, job!);
    }
  }

  private start(slot: Slot, job: Job): void {
    let worker: WorkerHandle;
    try {
      worker = slot.worker ??= this.spawn(slot);
    } catch (error) {
      // The platform refused to start a worker at all: this job and the waiting ones fail typed.
      const failure = new Anime2dError("UNSUPPORTED", `The anime2d worker could not start: ${(error as Error).message}`, { cause: error });
      for (const waiting of [job, ...this.queue.splice(0)]) this.settle(waiting, failure);
      return;
    }
    slot.job = job;
    worker.hold?.(true);
    const setup = { env: { ...env }, models: customModels() };
    try {
      worker.post({ type: "run", id: job.id, op: job.op, input: job.input, options: job.options, setup }, job.transfer);
    } catch (error) {
      // Functions or other values structured clone cannot carry.
      slot.job = undefined;
      worker.hold?.(false);
      this.settle(job, new Anime2dError("INVALID_OPTION", `The input or options cannot be sent to a worker: ${(error as Error).message}`, { cause: error }));
      this.pump();
    }
  }

  private spawn(slot: Slot): WorkerHandle {
    slot.ready = false;
    const worker = this.options.spawn({
      message: (message) => this.receive(slot, message),
      exit: (reason) => this.died(slot, worker, reason),
    });
    worker.post({ type: "init", options: this.options.init });
    return worker;
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (message.type === "ready") return void (slot.ready = true);
    if (message.type === "disposed") return slot.disposed?.();
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    if (message.type === "progress") {
      if (!job.settled) job.onProgress?.(message.event);
      return;
    }
    slot.job = undefined;
    slot.worker?.hold?.(false);
    if (message.type === "result") this.settle(job, undefined, message.result);
    else this.settle(job, fromWire(message.error));
    this.pump();
  }

  private died(slot: Slot, worker: WorkerHandle, reason: string): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.disposed?.();
    const job = slot.job;
    slot.job = undefined;
    if (this.closed) return;
    if (!slot.ready) {
      // It never started (missing file, bad runtime): respawning would fail the same way.
      const error = new Anime2dError("UNSUPPORTED", `The anime2d worker could not start: ${reason}`);
      if (job) this.settle(job, error);
      for (const queued of this.queue.splice(0)) this.settle(queued, error);
      return;
    }
    if (job) this.settle(job, new Anime2dError("WORKER_CRASHED", `The worker running this job died (${reason}); it was replaced.`));
    this.pump();
  }

  private settle(job: Job, error: Anime2dError | undefined, result?: WireResult): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if (error) job.reject(error);
    else job.resolve(result!);
  }
}
