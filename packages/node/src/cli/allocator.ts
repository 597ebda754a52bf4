/**
 * Long-running commands (`serve`, `worker`) restart themselves once with glibc's malloc told
 * to keep a fixed mmap threshold.
 *
 * Why: glibc raises its mmap threshold every time a large block is freed (up to 32 MB). From
 * then on, tensors and pixel buffers of a few MB are carved from the heap and its per-thread
 * arenas instead of being mapped, and the holes they leave are never given back to the system.
 * A process that stylizes large images, or aborts them, ratchets up by hundreds of MB while
 * neither JavaScript nor ONNX Runtime holds anything: 10 aborted 3 MP tiled runs went 792 →
 * 1185 MB in-thread and 553 → 1006 MB on the worker pool. With the threshold fixed at 1 MB the
 * same runs stay flat at 433 and 465–485 MB. glibc reads the setting only when a process
 * starts, hence the restart. musl, macOS and Windows allocators return such blocks already.
 */
import { spawn } from "node:child_process";

/** The glibc tunable we start long-running processes with. */
export const MMAP_THRESHOLD_TUNABLE = "glibc.malloc.mmap_threshold=1048576";

/** Set in a child started by {@link restartForAllocator}, so that it follows its parent's fate. */
const SUPERVISED = "ANIME2D_SUPERVISED";

/**
 * The environment to restart with, or `undefined` when this process needs no restart: not
 * glibc, the threshold already set (by us or by the user), or `ANIME2D_KEEP_ALLOCATOR=1`.
 */
export function allocatorEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | undefined {
  if (process.platform !== "linux" || env.ANIME2D_KEEP_ALLOCATOR === "1") return undefined;
  const tunables = env.GLIBC_TUNABLES ?? "";
  if (tunables.includes("glibc.malloc.mmap_threshold")) return undefined;
  if (!glibcVersion()) return undefined;
  return { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:${MMAP_THRESHOLD_TUNABLE}` : MMAP_THRESHOLD_TUNABLE };
}

/** The C library's glibc version, or undefined on musl, macOS and Windows. */
export function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/**
 * Runs this same command again with `env`. Where Node has `process.execve` (22.15+) the process
 * image is replaced and this never returns. Elsewhere a child runs the command: signals are
 * passed on to it once (it runs in its own process group, so a terminal's Ctrl+C does not reach
 * it twice), its exit code becomes ours, and if we die without passing anything on (SIGKILL)
 * the child notices its parent's channel closing and ends too.
 */
export function restartForAllocator(env: NodeJS.ProcessEnv): Promise<number> {
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const node = process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never };
  if (node.execve) {
    try {
      node.execve(process.execPath, [process.execPath, ...args], env);
    } catch {
      // Refused (a platform or permission without exec): fall back to a child process.
    }
  }
  const child = spawn(process.execPath, args, {
    env: { ...env, [SUPERVISED]: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`anime2d: could not restart with the allocator setting (${error.message}); set GLIBC_TUNABLES=${MMAP_THRESHOLD_TUNABLE} yourself.`);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      // Die of the same signal, so whoever started us sees what happened.
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}

/**
 * In a child started by {@link restartForAllocator}: ends this process when the parent's
 * channel closes (the parent was killed), and otherwise lets the channel not keep us alive.
 */
export function followParent(): void {
  if (process.env[SUPERVISED] !== "1" || !process.channel) return;
  delete process.env[SUPERVISED];
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
