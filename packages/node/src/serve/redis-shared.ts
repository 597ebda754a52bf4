import { Anime2dError } from "../index.js";
import type { JobParams } from "./params.js";
import { loadIoredis } from "./peers.js";

/** What an API process puts on the queue for one image (the bytes go in their own key). */
export interface QueuedImage {
  params: JobParams;
  maxInputPixels: number;
  /** Seconds the result is kept once written. */
  resultTtl: number;
  /** Time limit of the work itself, in ms. */
  timeoutMs: number;
  /** Batch this image belongs to, for cancellation; absent for a single `/v1/stylize`. */
  batch?: string;
}

/** What a worker answers (the encoded image itself goes in {@link RedisKeys.output}). */
export interface QueuedResult {
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}

/** Progress a worker reports on a job. */
export interface QueuedProgress {
  stage: string;
  progress: number;
}

/** The Redis keys and channel the API and the workers share, namespaced by queue name. */
export function redisKeys(queue: string) {
  const base = `anime2d:${queue}`;
  return {
    input: (job: string) => `${base}:in:${job}`,
    output: (job: string) => `${base}:out:${job}`,
    batch: (id: string) => `${base}:batch:${id}`,
    cancelled: (batch: string) => `${base}:cancelled:${batch}`,
    /** Pub/sub channel: a job id to stop wherever it runs. */
    cancel: `${base}:cancel`,
  };
}

/** ioredis/BullMQ options for a Redis URL; workers block on Redis, so no per-request retry cap. */
export function connectionOptions(url: string) {
  return { url, maxRetriesPerRequest: null };
}

/** BullMQ job id of item `index` of a batch (ids must not contain ':'). */
export const itemJobId = (batch: string, index: number) => `${batch}-${index}`;

/**
 * Connects once, failing fast (no retries), so a wrong `--redis` is one clear error at start
 * instead of a process retrying forever. Returns a client for the caller's own keys.
 */
export async function connectRedis(url: string): Promise<import("ioredis").Redis> {
  const { Redis } = await loadIoredis();
  let connected = false;
  // No retry before the first connection; afterwards, reconnect with a growing pause.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, retryStrategy: (times: number) => (connected ? Math.min(times * 200, 2000) : null) });
  redis.on("error", () => undefined); // reported by the failing calls, not as unhandled events
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
  } catch (error) {
    redis.disconnect();
    throw new Anime2dError("UNSUPPORTED", `Cannot reach Redis at ${safeHost(url)}: ${(error as Error).message}`, { cause: error });
  }
  return redis;
}

/** A Redis URL without its credentials, for messages. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}
