// Runs fuzz cases in child processes (fuzz-worker.mjs), bounding each case in time and memory:
// a case that runs too long or grows the worker past the memory bound is killed and reported,
// as is an untyped or unexpected error, and the next worker resumes after it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Runs cases `from..from+count-1` of `seed`. Returns counts per outcome and the findings, each
 * with the seed and case index that replay it.
 */
export async function runFuzz({ seed, count, from = 0, caseTimeoutMs = 30_000, maxRssMb = 1500, onCase = () => {} }) {
  const outcomes = {};
  const findings = [];
  let next = from;
  const end = from + count;
  while (next < end) {
    const { done, failure } = await runWorker(seed, next, end, caseTimeoutMs, maxRssMb, (event) => {
      outcomes[event.result] = (outcomes[event.result] ?? 0) + 1;
      if (event.result === "finding") findings.push({ seed, index: event.index, what: event.what, problem: event.error });
      onCase(event);
    });
    if (failure) {
      findings.push({ seed, ...failure });
      outcomes[failure.kind] = (outcomes[failure.kind] ?? 0) + 1;
      next = failure.index + 1;
    } else next = done;
  }
  return { seed, from, count, outcomes, findings };
}

function runWorker(seed, from, to, caseTimeoutMs, maxRssMb, onEnd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here("./fuzz-worker.mjs"), String(seed), String(from), String(to)], {
      env: {
        ...process.env,
        ANIME2D_FUZZ_DIST: pathToFileURL(here("../dist/node/index.js")).href,
        ANIME2D_FUZZ_PHOTOS: process.env.ANIME2D_FUZZ_PHOTOS ?? here("../../shared/photos"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let current, timer, failure, stderr = "";
    let peakRssMb = 0;
    const fail = (kind, problem) => {
      if (failure) return;
      failure = { kind, index: current?.index ?? from, what: current?.what ?? "worker start-up", problem };
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      const rss = rssMb(child.pid);
      peakRssMb = Math.max(peakRssMb, rss);
      if (rss > maxRssMb) fail("memory", `worker RSS ${rss} MB > ${maxRssMb} MB`);
    }, 100);
    child.stderr.on("data", (d) => (stderr += d));
    createInterface({ input: child.stdout }).on("line", (line) => {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      clearTimeout(timer);
      if (event.event === "start") {
        current = event;
        timer = setTimeout(() => fail("timeout", `case ran over ${caseTimeoutMs} ms`), caseTimeoutMs);
      } else {
        current = undefined;
        onEnd({ ...event, peakRssMb });
      }
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      if (!failure && (code !== 0 || current)) fail("crash", `worker exited with ${signal ?? code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
      resolve({ done: to, failure });
    });
  });
}

/** Resident memory of a process in MB, from /proc (Linux); 0 where that is unavailable. */
function rssMb(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 0;
  } catch {
    return 0;
  }
}
