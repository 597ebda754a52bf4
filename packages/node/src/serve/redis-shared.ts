import type { JobParams } from "./params.js";

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
