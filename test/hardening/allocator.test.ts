import { readFileSync, readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { MMAP_THRESHOLD_TUNABLE, allocatorEnv, glibcVersion } from "../../packages/node/src/cli/allocator.js";
import { freePort, startCli, type Child } from "../serve/processes.js";

// `anime2d serve` and `anime2d worker` run for days; on glibc they restart themselves once with
// a fixed mmap threshold, without which aborted and large runs ratchet RSS up by hundreds of MB
// (leaks.test.ts measures the memory; this file checks the restart and its process handling).
const glibc = process.platform === "linux" && Boolean(glibcVersion());

/** The pid that serves: the CLI's own (where Node can exec in place) or its one child. */
function servingPid(cli: Child): number {
  const pid = cli.process.pid!;
  const children = childrenOf(pid);
  return children.length === 1 ? children[0] : pid;
}

/** Child pids from /proc/PID/stat (field 4 is the parent's pid; the name in field 2 may hold spaces). */
function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === parent) pids.push(Number(entry));
  }
  return pids;
}

/** A file's text, or "" when it is gone (a process may end while /proc is read). */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");

async function gone(pid: number, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    // A zombie has ended too: whether it is reaped at once depends on the machine's init.
    const stat = readOrEmpty(`/proc/${pid}/stat`);
    if (!stat || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe.runIf(glibc)("long-running commands and glibc's allocator", () => {
  let cli: Child | undefined;
  afterEach(async () => {
    await cli?.kill("SIGKILL");
    cli = undefined;
  });

  const serve = async () => {
    cli = startCli(["serve", "--host", "127.0.0.1", "--port", String(await freePort()), "--no-ui"]);
    await cli.waitFor(/listening on (http:\S+)/);
    return cli;
  };

  it("serve runs with a fixed mmap threshold and stops cleanly on SIGTERM", async () => {
    const server = await serve();
    const pid = servingPid(server);
    expect(environ(pid)).toContain(`GLIBC_TUNABLES=${MMAP_THRESHOLD_TUNABLE}`);
    const exited = new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code)));
    server.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(server.output()).toContain("shutting down");
    expect(await gone(pid)).toBe(true);
  });

  it("a server killed with SIGKILL leaves no process behind", async () => {
    const server = await serve();
    const pid = servingPid(server);
    server.process.kill("SIGKILL");
    expect(await gone(pid)).toBe(true);
  });

  it("keeps a threshold the user set, and adds to other tunables", async () => {
    expect(allocatorEnv({ GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=65536" })).toBeUndefined();
    expect(allocatorEnv({ ANIME2D_KEEP_ALLOCATOR: "1" })).toBeUndefined();
    expect(allocatorEnv({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" })?.GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${MMAP_THRESHOLD_TUNABLE}`);
  });
});
