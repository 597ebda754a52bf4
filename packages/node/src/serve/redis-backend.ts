import { randomUUID } from "node:crypto";
import type { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { Anime2dError, isAnime2dError, type Anime2dErrorCode } from "../index.js";
import { deadline, jobView, noResult, reasonOf, type Backend, type ItemView, type Readiness } from "./backend.js";
import type { ServeConfig } from "./options.js";
import type { JobParams } from "./params.js";
import type { ImageResult } from "./process-image.js";
import { connectRedis, connectionOptions, itemJobId, redisKeys, type QueuedImage, type QueuedProgress, type QueuedResult } from "./redis-shared.js";
import { loadBullmq } from "./peers.js";

/** Uploads nobody has taken yet are dropped after a day. */
const INPUT_TTL_MS = 24 * 3600 * 1000;

/** Connects the API to Redis: jobs go on BullMQ, `anime2d worker` processes run them. */
export async function createRedisBackend(config: ServeConfig): Promise<Backend> {
  const redis = await connectRedis(config.redis!);
  const { Queue, QueueEvents } = await loadBullmq();
  const connection = connectionOptions(config.redis!);
  const queue = new Queue(config.queueName, { connection });
  const events = new QueueEvents(config.queueName, { connection });
  // Connection trouble shows up in the calls that fail; ioredis reconnects on its own.
  for (const emitter of [queue, events] as { on(event: "error", listener: (error: Error) => void): unknown }[]) emitter.on("error", () => undefined);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return new RedisBackend(config, redis, queue, events);
}

/**
 * The distributed backend: every image is one BullMQ job (a batch is many, so any number of
 * workers share it); uploads and results travel through Redis keys with a TTL. A worker that
 * dies mid-job loses its lock, and BullMQ's stalled-job check gives the job to another.
 */
class RedisBackend implements Backend {
  readonly mode = "redis";
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(private readonly config: ServeConfig, private readonly redis: Redis, private readonly queue: Queue, private readonly events: QueueEvents) {
    this.keys = redisKeys(config.queueName);
  }

  async stylize(bytes: Uint8Array, params: JobParams, signal: AbortSignal): Promise<ImageResult> {
    await this.admit(1);
    const id = `s-${randomUUID()}`;
    const limit = deadline(this.config.timeoutMs, signal);
    try {
      await this.redis.set(this.keys.input(id), Buffer.from(bytes), "PX", this.config.timeoutMs + 60_000);
      const job = await this.queue.add("stylize", this.data(params), { jobId: id, ...this.jobOptions() });
      const result = (await untilAborted(job.waitUntilFinished(this.events), limit.signal)) as QueuedResult;
      const output = await this.redis.getBuffer(this.keys.output(id));
      if (!output) throw new Anime2dError("NOT_FOUND", "The result expired before it could be sent.");
      void this.redis.del(this.keys.output(id));
      return { ...result, bytes: output };
    } catch (error) {
      if (limit.signal.aborted) void this.stop([id], id);
      throw failure(reasonOf(error, limit.signal));
    } finally {
      limit.clear();
    }
  }

  async createJob(images: Uint8Array[], params: JobParams): Promise<string> {
    await this.admit(images.length);
    const batch = randomUUID();
    const write = this.redis.multi();
    images.forEach((bytes, n) => write.set(this.keys.input(itemJobId(batch, n)), Buffer.from(bytes), "PX", INPUT_TTL_MS));
    write.set(this.keys.batch(batch), JSON.stringify({ count: images.length, createdAt: Date.now() }), "PX", INPUT_TTL_MS + this.config.resultTtl * 1000);
    await write.exec();
    const data = this.data(params, batch);
    await this.queue.addBulk(images.map((_, n) => ({ name: "stylize", data, opts: { jobId: itemJobId(batch, n), ...this.jobOptions() } })));
    return batch;
  }

  async getJob(id: string) {
    const meta = await this.meta(id);
    if (!meta) return undefined;
    const cancelled = (await this.redis.exists(this.keys.cancelled(id))) === 1;
    const jobs = await Promise.all(Array.from({ length: meta.count }, (_, n) => this.queue.getJob(itemJobId(id, n)) as Promise<Job | undefined>));
    const items = await Promise.all(jobs.map((job, n) => itemView(job, n, cancelled)));
    // Every item's record has expired: so has the job.
    if (jobs.every((job) => !job)) return undefined;
    const finishedAt = items.every((i) => i.status !== "queued" && i.status !== "running") ? Math.max(...jobs.map((j) => j?.finishedOn ?? 0)) : undefined;
    return jobView(id, meta.createdAt, items, this.config.resultTtl, finishedAt || undefined);
  }

  async getResult(id: string, index: number): Promise<ImageResult> {
    const view = await this.getJob(id);
    const item = view?.items[index];
    if (!view || !item) throw new Anime2dError("NOT_FOUND", `Item ${index} of job ${id} does not exist or has expired.`);
    if (item.status !== "done") throw noResult(id, item);
    const jobId = itemJobId(id, index);
    const [job, output] = await Promise.all([this.queue.getJob(jobId), this.redis.getBuffer(this.keys.output(jobId))]);
    if (!job || !output) throw new Anime2dError("NOT_FOUND", `The result of item ${index} of job ${id} has expired.`);
    return { ...(job.returnvalue as QueuedResult), bytes: output };
  }

  async cancelJob(id: string): Promise<boolean> {
    const meta = await this.meta(id);
    if (!meta) return false;
    await this.redis.set(this.keys.cancelled(id), "1", "PX", INPUT_TTL_MS + this.config.resultTtl * 1000);
    await this.stop(Array.from({ length: meta.count }, (_, n) => itemJobId(id, n)), id);
    return true;
  }

  async readiness(): Promise<Readiness> {
    const [workers, counts] = await Promise.all([this.queue.getWorkersCount(), this.counts()]);
    const detail = { workers, queue: { ...counts, maxQueue: this.config.maxQueue } };
    if (workers === 0) return { ready: false, reason: "no anime2d worker is connected to the queue", ...detail };
    if (counts.waiting >= this.config.maxQueue) return { ready: false, reason: "queue full", ...detail };
    return { ready: true, ...detail };
  }

  async stats() {
    const [workers, counts] = await Promise.all([this.queue.getWorkersCount(), this.counts()]);
    return { mode: this.mode, workers, queue: { ...counts, maxQueue: this.config.maxQueue } };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    await this.redis.quit().catch(() => undefined);
  }

  private async counts(): Promise<{ waiting: number; running: number; completed: number; failed: number }> {
    const c = await this.queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed", "failed");
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), running: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  /** Throws `QUEUE_FULL` when `n` more images would wait beyond `maxQueue`. */
  async admit(n: number): Promise<void> {
    const { waiting } = await this.counts();
    if (waiting + n > this.config.maxQueue) throw new Anime2dError("QUEUE_FULL", `The queue is full (${waiting} images waiting); retry later.`);
  }

  /** Removes jobs still waiting and tells the workers to stop the running ones. */
  private async stop(jobIds: string[], channelId: string): Promise<void> {
    await Promise.allSettled(jobIds.map((id) => this.queue.remove(id)));
    await this.redis.publish(this.keys.cancel, channelId).catch(() => undefined);
  }

  private async meta(id: string): Promise<{ count: number; createdAt: number } | undefined> {
    if (!/^[\w-]{1,64}$/.test(id)) return undefined;
    const raw = await this.redis.get(this.keys.batch(id));
    return raw ? JSON.parse(raw) : undefined;
  }

  private data(params: JobParams, batch?: string): QueuedImage {
    return { params, maxInputPixels: this.config.maxInputPixels, resultTtl: this.config.resultTtl, timeoutMs: this.config.timeoutMs, batch };
  }

  /** One attempt: a bad image fails for good; only a dead worker's job is run again (stalled). */
  private jobOptions() {
    const age = { age: this.config.resultTtl };
    return { attempts: 1, removeOnComplete: age, removeOnFail: age };
  }
}

async function itemView(job: Job | undefined, index: number, cancelled: boolean): Promise<ItemView> {
  if (!job) return cancelled ? { index, status: "cancelled", progress: 0 } : { index, status: "failed", progress: 0, error: { code: "NOT_FOUND", message: "This item has expired." } };
  const state = await job.getState();
  const progress = typeof job.progress === "object" ? (job.progress as QueuedProgress) : undefined;
  if (state === "completed") {
    const { width, height } = job.returnvalue as QueuedResult;
    return { index, status: "done", progress: 1, width, height };
  }
  if (state === "failed") {
    const error = failure(new Error(job.failedReason));
    return { index, status: error.code === "ABORTED" ? "cancelled" : "failed", progress: 0, error: { code: error.code, message: error.message } };
  }
  if (state === "active") return { index, status: "running", progress: progress?.progress ?? 0, stage: progress?.stage };
  return { index, status: cancelled ? "cancelled" : "queued", progress: 0 };
}

/** A worker's failure travels as the JSON `{ code, message }` of its error; anything else is internal. */
function failure(error: unknown): Anime2dError {
  if (isAnime2dError(error)) return error;
  try {
    const body = JSON.parse((error as Error).message) as { code: Anime2dErrorCode; message: string };
    if (typeof body.code === "string" && typeof body.message === "string") return new Anime2dError(body.code, body.message);
  } catch {
    // not one of ours
  }
  const message = (error as Error).message;
  // BullMQ's own verdict on a job whose workers kept dying: "job stalled more than allowable limit".
  if (/stalled/i.test(message)) return new Anime2dError("WORKER_CRASHED", `The workers running this image died (${message}).`);
  return new Anime2dError("INFERENCE_FAILED", `The worker failed: ${message}`, { cause: error });
}

/** `promise`, unless `signal` fires first (then its reason). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
