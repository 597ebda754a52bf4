import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "../fixtures/paths.js";

/** A child process with its output so far. */
export interface Child {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output (rejects after `ms`). */
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpMatchArray>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a process, collecting stdout and stderr. */
export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  return {
    process: child,
    output: () => text,
    waitFor: (pattern, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) done(() => resolve(match));
          else if (child.exitCode !== null) done(() => reject(new Error(`${command} exited (${child.exitCode}) before printing ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${pattern}:\n${text}`))), ms);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", check);
          settle();
        };
        listeners.add(check);
        child.on("exit", check);
        check();
      }),
    kill: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => (clearTimeout(force), resolve()));
        child.kill(signal);
      }),
  };
}

/** Runs the built CLI (`bin/anime2d.js`). */
export const startCli = (args: string[]) => startChild(process.execPath, [join(ROOT, "bin", "anime2d.js"), ...args]);
