import { Anime2dError } from "../index.js";

/** Counters shown by `/healthz` and `/readyz`. */
export interface QueueStats {
  running: number;
  waiting: number;
  maxQueue: number;
  completed: number;
  failed: number;
  cancelled: number;
}

interface Waiter {
  start: () => void;
}

/**
 * The in-process queue: at most `concurrency` images run at once, at most `maxQueue` wait, and
 * more work is refused with `QUEUE_FULL` at once instead of piling up. Work whose signal fires
 * while it waits leaves the queue without ever running.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly counts = { completed: 0, failed: 0, cancelled: 0 };

  constructor(private readonly concurrency: number, private readonly maxQueue: number) {}

  /** Whether `n` more items can be queued now. */
  hasRoom(n = 1): boolean {
    const free = Math.max(0, this.concurrency - this.running);
    return this.waiting.length + Math.max(0, n - free) <= this.maxQueue;
  }

  /** Throws `QUEUE_FULL` unless `n` more items fit. */
  reserve(n = 1): void {
    if (!this.hasRoom(n)) {
      throw new Anime2dError("QUEUE_FULL", `The server is busy (${this.running} running, ${this.waiting.length} waiting); retry later.`);
    }
  }

  /** Runs `task` when a slot is free; rejects with `ABORTED` if `signal` fires before that. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.reserve();
    await this.acquire(signal);
    try {
      const result = await task();
      this.counts.completed++;
      return result;
    } catch (error) {
      if (signal?.aborted) this.counts.cancelled++;
      else this.counts.failed++;
      throw error;
    } finally {
      this.release();
    }
  }

  stats(): QueueStats {
    return { running: this.running, waiting: this.waiting.length, maxQueue: this.maxQueue, ...this.counts };
  }

  /** Resolves once this task holds a running slot (counted in `running`). */
  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(this.cancelled(signal));
    if (this.running < this.concurrency && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(this.cancelled(signal!));
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Hands the freed slot straight to the oldest waiter. */
  private release(): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.start();
    else this.running--;
  }

  private cancelled(signal: AbortSignal): unknown {
    this.counts.cancelled++;
    return signal.reason instanceof Anime2dError ? signal.reason : new Anime2dError("ABORTED", "The work was cancelled before it started.", { cause: signal.reason });
  }
}
