import cliProgress from "cli-progress";
import type { Anime2dError, BatchProgressEvent } from "../index.js";
import type { FileJob } from "./inputs.js";

/** How the CLI tells about a batch: a bar on a terminal, plain lines in logs, JSON for scripts. */
export interface Reporter {
  progress(event: BatchProgressEvent, file: string | undefined): void;
  written(job: FileJob, size: { width: number; height: number }, ms: number): void;
  failed(job: FileJob, error: Anime2dError): void;
  skipped(job: FileJob): void;
  /** A line about the batch itself (e.g. a glob that matched nothing). */
  notice(line: string): void;
  end(): void;
}

/** Picks the reporter: `--json`, a progress bar when stderr is a terminal, else plain lines. */
export function createReporter(json: boolean, total: number): Reporter {
  if (json) return jsonReporter();
  return process.stderr.isTTY ? barReporter(total) : lineReporter(total);
}

function jsonReporter(): Reporter {
  const line = (value: object) => process.stdout.write(JSON.stringify(value) + "\n");
  return {
    progress() {},
    written: (job, size, ms) => line({ input: job.input, output: job.target, ...size, ms: Math.round(ms) }),
    failed: (job, error) => line({ input: job.input, error: { code: error.code, message: error.message } }),
    skipped: (job) => line({ input: job.input, output: job.target, skipped: true }),
    notice: (text) => line({ notice: text }),
    end() {},
  };
}

function lineReporter(total: number): Reporter {
  let n = 0;
  const tag = (job: FileJob) => `[${++n}/${total}] ${job.input}`;
  return {
    progress() {},
    written: (job, size, ms) => console.log(`${tag(job)} → ${job.target} (${size.width}×${size.height}, ${(ms / 1000).toFixed(1)} s)`),
    failed: (job, error) => console.error(`${tag(job)}: ${error.code}: ${error.message}`),
    skipped: (job) => console.log(`${tag(job)} skipped: ${job.target} exists`),
    notice: (text) => console.error(`anime2d: ${text}`),
    end() {},
  };
}

function barReporter(total: number): Reporter {
  const bars = new cliProgress.MultiBar(
    { format: " {bar} {value}/{total} | {failed} failed | ETA {eta} | {stage} {file}", hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { failed: 0, eta: "…", stage: "", file: "" });
  let done = 0;
  let failed = 0;
  const log = (text: string) => bars.log(text + "\n");
  const count = () => bar.update(done, { failed });
  return {
    progress(event, file) {
      bar.update(done, { eta: event.etaMs === undefined ? "…" : clock(event.etaMs), stage: event.stage ?? "", file: file ?? "" });
    },
    written(job, size, ms) {
      done++;
      log(`${job.input} → ${job.target} (${size.width}×${size.height}, ${(ms / 1000).toFixed(1)} s)`);
      count();
    },
    failed(job, error) {
      done++;
      failed++;
      log(`${job.input}: ${error.code}: ${error.message}`);
      count();
    },
    skipped(job) {
      done++;
      log(`${job.input} skipped: ${job.target} exists`);
      count();
    },
    notice: (text) => log(`anime2d: ${text}`),
    end: () => bars.stop(),
  };
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
