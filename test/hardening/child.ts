import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { ROOT } from "../fixtures/paths.js";

/** URL of the built Node entry, for scripts run in child processes. */
export const DIST = pathToFileURL(join(ROOT, "dist", "node", "index.js")).href;

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs an ES module script in a fresh Node process (so its stderr, memory and handles are its
 * own), killing it after `timeoutMs`.
 */
export function runScript(source: string, options: { timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  const { timeoutMs = 120_000, nodeArgs = [], env = {} } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", source], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "", timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Parses the last stdout line of a child as JSON (children print their findings last). */
export function lastJson<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`child printed no JSON (exit ${result.code}${result.timedOut ? ", timed out" : ""}):\n${result.stdout}\n${result.stderr}`);
  }
}
