import { Anime2dError, asAnime2dError } from "./errors.js";
import type { ImageInput } from "./input.js";
import type { AnimeImage } from "./output.js";
import type { StylizeOptions } from "./pipeline.js";
import type { ProgressEvent } from "./progress.js";
import type { Stylizer } from "./stylizer.js";

/** Progress of a whole batch: counts, an estimate of the time left, and the item that moved. */
export interface BatchProgressEvent {
  /** Items finished (with a result or an error). */
  done: number;
  /** Number of inputs, once known (at once for arrays, when exhausted for iterables). */
  total?: number;
  /** Items that failed so far. */
  failed: number;
  /** Estimated milliseconds until the batch ends, once an item has finished and the total is known. */
  etaMs?: number;
  /** The item this event is about, and its pipeline stage (`"done"` when it finished). */
  index?: number;
  stage?: ProgressEvent["stage"];
}

/** Options of `stylizeMany()`: a call's stylize options for every item, plus batch control. */
export interface BatchOptions extends Omit<StylizeOptions, "onProgress"> {
  /** Items in flight at once (default: the stylizer's workers, 1 in-thread). */
  concurrency?: number;
  /** Yield results in input order (default true); `false` yields each as it finishes. */
  ordered?: boolean;
  /** One progress stream for the whole batch. */
  onProgress?: (event: BatchProgressEvent) => void;
}

/** One item's outcome; exactly one of `result` and `error` is set. */
export type BatchResult<Image extends AnimeImage = AnimeImage> =
  | { index: number; input: ImageInput; result: Image; error?: undefined }
  | { index: number; input: ImageInput; error: Anime2dError; result?: undefined };

/**
 * Stylizes many inputs through any stylizer (in-thread, worker pool, browser worker), pulling
 * inputs lazily and holding at most a few finished results waiting for their turn. Aborting
 * `signal` stops pulling, aborts the items in flight and ends the iteration with `ABORTED`;
 * leaving the loop early (`break`) aborts the items in flight too.
 */
export async function* stylizeMany<Image extends AnimeImage>(
  stylizer: Pick<Stylizer<Image>, "stylize">,
  inputs: Iterable<ImageInput> | AsyncIterable<ImageInput>,
  options: BatchOptions = {},
): AsyncGenerator<BatchResult<Image>> {
  const { concurrency = 1, ordered = true, onProgress, signal, ...stylizeOptions } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Anime2dError("INVALID_OPTION", `concurrency must be a positive integer, got ${concurrency}.`);
  const controller = new AbortController();
  const stop = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", stop, { once: true });
  const iterator = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : (inputs as Iterable<ImageInput>)[Symbol.iterator]();
  const counts = { done: 0, failed: 0, total: Array.isArray(inputs) ? inputs.length : undefined as number | undefined };
  const started = performance.now();
  const report = (index: number, stage: ProgressEvent["stage"]) => {
    const { done, total, failed } = counts;
    const etaMs = done > 0 && total !== undefined ? ((performance.now() - started) / done) * (total - done) : undefined;
    try {
      onProgress?.({ done, total, failed, etaMs, index, stage });
    } catch {
      // A throwing progress handler must not stop the batch.
    }
  };

  const finished = new Map<number, BatchResult<Image>>();
  const running = new Map<number, Promise<number>>();
  let next = 0;
  let exhausted = false;
  let yielded = 0;
  // Results waiting for an earlier item are bounded: a slow first photo never piles up the rest.
  const window = concurrency * 2;

  const launch = async (): Promise<boolean> => {
    const item = await iterator.next();
    if (item.done) {
      exhausted = true;
      counts.total = next;
      return false;
    }
    const index = next++;
    const input = item.value;
    running.set(
      index,
      stylizer
        .stylize(input, { ...stylizeOptions, signal: controller.signal, onProgress: (e) => e.stage !== "done" && report(index, e.stage) })
        .then(
          (result): BatchResult<Image> => ({ index, input, result }),
          (error): BatchResult<Image> => ({ index, input, error: asAnime2dError(error, "INFERENCE_FAILED", "Stylizing failed") }),
        )
        .then((outcome) => {
          counts.done++;
          if (outcome.error) counts.failed++;
          finished.set(index, outcome);
          running.delete(index);
          report(index, "done");
          return index;
        }),
    );
    return true;
  };

  const abortion = aborted(controller.signal);
  try {
    while (true) {
      if (controller.signal.aborted) throw new Anime2dError("ABORTED", "The batch was aborted.", { cause: signal?.reason });
      while (!exhausted && running.size < concurrency && running.size + finished.size < window) {
        if (!(await launch())) break;
      }
      const ready = ordered ? finished.get(yielded) : finished.values().next().value;
      if (ready) {
        finished.delete(ready.index);
        yielded++;
        yield ready;
        continue;
      }
      if (running.size === 0) {
        if (exhausted) return;
        continue;
      }
      await Promise.race([...running.values(), abortion]);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    if (running.size) controller.abort();
    await (iterator as AsyncIterator<ImageInput>).return?.();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}
