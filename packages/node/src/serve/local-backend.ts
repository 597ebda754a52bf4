import { randomUUID } from "node:crypto";
import { createStylizer, defaultPoolShape, Anime2dError, type Stylizer, type StyleId } from "../index.js";
import { jobView, noResult, notFound, reasonOf, withDeadline, type Backend, type ItemView, type Readiness } from "./backend.js";
import { toHttpError } from "./http-errors.js";
import type { ServeConfig } from "./options.js";
import type { JobParams } from "./params.js";
import { processImage, type ImageResult } from "./process-image.js";
import { WorkQueue } from "./work-queue.js";

interface LocalJob {
  createdAt: number;
  finishedAt?: number;
  items: ItemView[];
  results: (ImageResult | undefined)[];
  controller: AbortController;
}

/**
 * The default backend: work runs in this process, on one stylizer, behind a bounded queue.
 * Batch results live in memory until `resultTtl` after the job finished.
 */
export class LocalBackend implements Backend {
  readonly mode = "in-process";
  private readonly stylizer: Stylizer;
  private readonly queue: WorkQueue;
  private readonly jobs = new Map<string, LocalJob>();
  private readonly sweeper: NodeJS.Timeout;
  private warm: Promise<void> | undefined;

  constructor(private readonly config: ServeConfig) {
    // The pool's worker threads run the models, so the event loop stays free for requests.
    // This queue admits as many images as there are workers, so the pool's own queue stays empty.
    const { workers, threads } = defaultPoolShape({ workers: config.workers, threads: config.threads });
    this.stylizer = createStylizer({ modelDir: config.modelDir, workers, threads, maxQueue: workers + config.maxQueue });
    this.queue = new WorkQueue(workers, config.maxQueue);
    this.sweeper = setInterval(() => this.sweep(), Math.min(config.resultTtl * 500, 60_000)).unref();
  }

  async admit(n: number): Promise<void> {
    this.queue.reserve(n);
  }

  /** One request: its time limit counts from arrival, queueing included. */
  async stylize(bytes: Uint8Array, params: JobParams, signal: AbortSignal): Promise<ImageResult> {
    return withDeadline(this.config.timeoutMs, signal, (limit) => this.queue.run(() => this.process(bytes, params, limit), limit));
  }

  async createJob(images: Uint8Array[], params: JobParams): Promise<string> {
    this.queue.reserve(images.length);
    const id = randomUUID();
    const job: LocalJob = {
      createdAt: Date.now(),
      items: images.map((_, index) => ({ index, status: "queued", progress: 0 })),
      results: [],
      controller: new AbortController(),
    };
    this.jobs.set(id, job);
    const runs = images.map((bytes, index) => this.runItem(job, index, bytes, params));
    void Promise.all(runs).then(() => (job.finishedAt = Date.now()));
    return id;
  }

  async getJob(id: string) {
    const job = this.live(id);
    return job && jobView(id, job.createdAt, job.items.map((i) => ({ ...i })), this.config.resultTtl, job.finishedAt);
  }

  async getResult(id: string, index: number): Promise<ImageResult> {
    const job = this.live(id);
    const item = job?.items[index];
    if (!job || !item) throw notFound(`Item ${index} of job ${id}`);
    return job.results[index] ?? Promise.reject(noResult(id, item));
  }

  async cancelJob(id: string): Promise<boolean> {
    const job = this.live(id);
    if (!job) return false;
    job.controller.abort(new Anime2dError("ABORTED", `Job ${id} was cancelled.`));
    return true;
  }

  async readiness(): Promise<Readiness> {
    const queue = this.queue.stats();
    if (!this.queue.hasRoom()) return { ready: false, reason: "queue full", queue };
    try {
      await this.warmup();
    } catch (error) {
      return { ready: false, reason: `models not loadable: ${toHttpError(error).body.message}`, queue };
    }
    return { ready: true, queue };
  }

  async stats() {
    return { mode: this.mode, queue: this.queue.stats(), jobs: this.jobs.size };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const job of this.jobs.values()) job.controller.abort(new Anime2dError("ABORTED", "The server is shutting down."));
    this.jobs.clear();
    await this.stylizer.dispose();
  }

  /** One batch item: it may wait as long as its batch needs; its time limit counts from its start. */
  private async runItem(job: LocalJob, index: number, bytes: Uint8Array | undefined, params: JobParams): Promise<void> {
    const item = job.items[index]!;
    const { signal } = job.controller;
    try {
      const result = await this.queue.run(() => {
        item.status = "running";
        return withDeadline(this.config.timeoutMs, signal, (limit) => this.process(bytes!, params, limit, item));
      }, signal);
      job.results[index] = result;
      Object.assign(item, { status: "done", progress: 1, stage: undefined, width: result.width, height: result.height });
    } catch (error) {
      const reason = reasonOf(error, signal);
      const cancelled = (reason as Anime2dError).code === "ABORTED";
      Object.assign(item, { status: cancelled ? "cancelled" : "failed", stage: undefined, error: toHttpError(reason).body });
    } finally {
      bytes = undefined; // the upload is not kept once its item is settled
    }
  }

  private process(bytes: Uint8Array, params: JobParams, signal: AbortSignal, item?: ItemView): Promise<ImageResult> {
    return processImage(this.stylizer, bytes, params, {
      signal,
      maxInputPixels: this.config.maxInputPixels,
      onProgress: item && ((e) => Object.assign(item, { stage: e.stage, progress: Math.max(item.progress, e.progress) })),
    });
  }

  /** Opens the default style's models once (on every worker, on a small image). */
  private warmup(): Promise<void> {
    this.warm ??= this.stylizer.warmup({ styles: [this.config.style as StyleId], sizes: [64] });
    this.warm.catch(() => (this.warm = undefined));
    return this.warm;
  }

  private live(id: string): LocalJob | undefined {
    const job = this.jobs.get(id);
    if (job?.finishedAt !== undefined && job.finishedAt + this.config.resultTtl * 1000 < Date.now()) {
      this.jobs.delete(id);
      return undefined;
    }
    return job;
  }

  private sweep(): void {
    for (const id of this.jobs.keys()) this.live(id);
  }
}
