import { Anime2dError } from "../index.js";
import type { ErrorBody } from "./http-errors.js";
import type { JobParams } from "./params.js";
import type { ImageResult } from "./process-image.js";

export type ItemStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** One image of a batch job as `GET /v1/jobs/:id` shows it. */
export interface ItemView {
  index: number;
  status: ItemStatus;
  /** 0..1 */
  progress: number;
  stage?: string;
  width?: number;
  height?: number;
  error?: ErrorBody;
}

/** A batch job as `GET /v1/jobs/:id` shows it. */
export interface JobView {
  id: string;
  status: "queued" | "running" | "done" | "cancelled";
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  /** When the results will be deleted (set once every item has finished). */
  expiresAt?: string;
  items: ItemView[];
}

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  reason?: string;
  [detail: string]: unknown;
}

/**
 * Where the work runs: in this process (the default) or on BullMQ workers. The routes only
 * speak to this interface, so both modes answer the same API.
 */
export interface Backend {
  readonly mode: "in-process" | "redis";
  /** Throws `QUEUE_FULL` when `n` more images cannot be queued now: checked before an upload is read. */
  admit(n: number): Promise<void>;
  /** Stylizes one image now; rejects with `QUEUE_FULL` at once when there is no room. */
  stylize(bytes: Uint8Array, params: JobParams, signal: AbortSignal): Promise<ImageResult>;
  /** Queues a batch; resolves to its id. */
  createJob(images: Uint8Array[], params: JobParams): Promise<string>;
  getJob(id: string): Promise<JobView | undefined>;
  /** The result of item `index`; throws `NOT_FOUND`, or the item's own error when it failed. */
  getResult(id: string, index: number): Promise<ImageResult>;
  /** Cancels what has not finished; false when there is no such job. */
  cancelJob(id: string): Promise<boolean>;
  readiness(): Promise<Readiness>;
  /** Counters for `/healthz`. */
  stats(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A job's overall status, from its items. */
export function jobStatus(items: ItemView[]): JobView["status"] {
  if (items.every((i) => i.status === "queued")) return "queued";
  if (items.some((i) => i.status === "queued" || i.status === "running")) return "running";
  if (items.some((i) => i.status === "cancelled")) return "cancelled";
  return "done";
}

/** Builds the view of a job from its items. */
export function jobView(id: string, createdAt: number, items: ItemView[], ttlSeconds: number, finishedAt?: number): JobView {
  const status = jobStatus(items);
  const finished = status === "done" || status === "cancelled";
  return {
    id,
    status,
    total: items.length,
    done: items.filter((i) => i.status === "done").length,
    failed: items.filter((i) => i.status === "failed").length,
    createdAt: new Date(createdAt).toISOString(),
    expiresAt: finished && finishedAt !== undefined ? new Date(finishedAt + ttlSeconds * 1000).toISOString() : undefined,
    items,
  };
}

export const notFound = (what: string) => new Anime2dError("NOT_FOUND", `${what} does not exist or has expired.`);

/** Why an item has no result to give: not finished yet, failed, or cancelled. */
export function noResult(id: string, item: ItemView): Anime2dError {
  if (item.status === "failed" && item.error) return new Anime2dError(item.error.code === "INTERNAL" ? "INFERENCE_FAILED" : item.error.code, item.error.message);
  if (item.status === "cancelled") return new Anime2dError("ABORTED", `Item ${item.index} of job ${id} was cancelled.`);
  return new Anime2dError("NOT_FOUND", `Item ${item.index} of job ${id} is not finished yet (${item.status}); poll GET /v1/jobs/${id}.`);
}

/**
 * A signal that fires when `parent` does or when `timeoutMs` passes; a timeout aborts with
 * `TIMEOUT` so the answer says which.
 */
export function deadline(timeoutMs: number, parent?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Anime2dError("TIMEOUT", `The image took longer than the server's limit of ${timeoutMs / 1000} s.`)), timeoutMs);
  const onAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}

/** Runs `work` under {@link deadline}; a timeout or abort rejects with its own reason. */
export async function withDeadline<T>(timeoutMs: number, parent: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limit = deadline(timeoutMs, parent);
  try {
    return await work(limit.signal);
  } catch (error) {
    throw reasonOf(error, limit.signal);
  } finally {
    limit.clear();
  }
}

/** After a failure under `signal`: the abort's own reason (e.g. `TIMEOUT`) when it fired, else the error. */
export function reasonOf(error: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason instanceof Anime2dError ? signal.reason : error;
}
