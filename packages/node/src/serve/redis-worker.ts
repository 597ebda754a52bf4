import type { Job } from "bullmq";
import { createStylizer, defaultPoolShape } from "../index.js";
import { withDeadline } from "./backend.js";
import { toHttpError } from "./http-errors.js";
import { processImage } from "./process-image.js";
import { connectRedis, connectionOptions, redisKeys, type QueuedImage, type QueuedProgress, type QueuedResult } from "./redis-shared.js";
import { loadBullmq } from "./peers.js";

/** Options of {@link startRedisWorker} and `anime2d worker`. */
export interface RedisWorkerOptions {
  /** Redis URL, the same as the API's `--redis`. */
  redis: string;
  /** BullMQ queue name (default `"anime2d"`). */
  queueName?: string;
  modelDir?: string;
  /** Worker threads, i.e. images at once (default: the worker pool's default shape). */
  workers?: number;
  /** ONNX Runtime threads per worker thread. */
  threads?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is retried after about this (ms, default 30 000). */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs of dead workers (ms, default 30 000). */
  stalledInterval?: number;
  /** Times a job may stall (its worker die) before it fails with `WORKER_CRASHED` (default 2). */
  maxStalledCount?: number;
  /** Receives one event per job state change. */
  onEvent?: (event: { type: "active" | "completed" | "failed" | "stalled"; job: string; code?: string; ms?: number }) => void;
}

/**
 * Takes images from the BullMQ queue and stylizes them on this machine's worker pool, writing
 * each result to Redis with the TTL the API asked for. Several of these, on any machines,
 * share one queue.
 */
export async function startRedisWorker(options: RedisWorkerOptions): Promise<{ close(): Promise<void> }> {
  const redis = await connectRedis(options.redis);
  const subscriber = redis.duplicate();
  const { Worker, UnrecoverableError } = await loadBullmq();
  const queueName = options.queueName ?? "anime2d";
  const keys = redisKeys(queueName);
  const emit = options.onEvent ?? (() => undefined);
  const { workers, threads } = defaultPoolShape({ workers: options.workers, threads: options.threads });
  const stylizer = createStylizer({ modelDir: options.modelDir, workers, threads, maxQueue: workers });
  const active = new Map<string, Job<QueuedImage>>();
  const durations = new Map<string, number>();
  // A failure of the image itself is final (UnrecoverableError); only a dead worker's job runs again.
  const fail = (error: unknown) => new UnrecoverableError(JSON.stringify(toHttpError(error).body));

  const process = async (job: Job<QueuedImage>, _token?: string, signal?: AbortSignal): Promise<QueuedResult> => {
    const id = job.id!;
    const { params, maxInputPixels, resultTtl, timeoutMs, batch } = job.data;
    if (batch && (await redis.exists(keys.cancelled(batch)))) throw new UnrecoverableError(JSON.stringify({ code: "ABORTED", message: `Job ${batch} was cancelled.` }));
    const input = await redis.getBuffer(keys.input(id));
    if (!input) throw new UnrecoverableError(JSON.stringify({ code: "NOT_FOUND", message: "The upload expired before a worker took it." }));
    const started = performance.now();
    active.set(id, job);
    emit({ type: "active", job: id });
    try {
      const onProgress = throttled((p) => void job.updateProgress(p).catch(() => undefined));
      const result = await withDeadline(timeoutMs, signal, (limit) => processImage(stylizer, input, params, { signal: limit, maxInputPixels, onProgress }));
      await redis.set(keys.output(id), Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.length), "EX", resultTtl);
      await redis.del(keys.input(id));
      durations.set(id, performance.now() - started);
      return { contentType: result.contentType, width: result.width, height: result.height, bytes: result.bytes.length };
    } catch (error) {
      await redis.del(keys.input(id));
      throw fail(error);
    } finally {
      active.delete(id);
    }
  };

  const worker = new Worker<QueuedImage, QueuedResult>(queueName, process, {
    connection: connectionOptions(options.redis),
    concurrency: workers,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  worker.on("completed", (job) => {
    emit({ type: "completed", job: job.id!, ms: Math.round(durations.get(job.id!) ?? 0) });
    durations.delete(job.id!);
  });
  worker.on("failed", (job, error) => job && emit({ type: "failed", job: job.id!, code: codeOf(error) }));
  worker.on("stalled", (jobId) => emit({ type: "stalled", job: jobId }));
  worker.on("error", () => undefined); // connection trouble: BullMQ reconnects and retries
  subscriber.on("error", () => undefined);
  // Cancellation from any API process: a job id, or a batch id for all of its items.
  await subscriber.subscribe(keys.cancel);
  subscriber.on("message", (_channel: string, id: string) => {
    for (const [jobId, job] of active) if (jobId === id || job.data.batch === id) worker.cancelJob(jobId, "cancelled");
  });
  await worker.waitUntilReady();

  return {
    async close() {
      await worker.close();
      await Promise.allSettled([subscriber.quit(), redis.quit(), stylizer.dispose()]);
    },
  };
}

function codeOf(error: Error): string {
  try {
    return (JSON.parse(error.message) as { code: string }).code;
  } catch {
    return "INTERNAL";
  }
}

/** Progress goes to Redis at most four times a second. */
function throttled(send: (progress: QueuedProgress) => void): (progress: QueuedProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    send(progress);
  };
}
