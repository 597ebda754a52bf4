import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { Anime2dError } from "@anime2d/core";

/** Paths of the ffmpeg and ffprobe executables. */
export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  /** ffmpeg's major version (options moved between 5 and 7). */
  major: number;
}

const INSTALL_HINT =
  "Install ffmpeg (Debian/Ubuntu: `apt-get install ffmpeg`, macOS: `brew install ffmpeg`, Windows: `winget install ffmpeg`), " +
  "or point the `ffmpeg` option or the ANIME2D_FFMPEG environment variable at the executable (ffprobe beside it, or ANIME2D_FFPROBE).";

/**
 * Finds ffmpeg and ffprobe: the `ffmpeg` option, then `ANIME2D_FFMPEG`, then PATH; ffprobe
 * from `ANIME2D_FFPROBE`, beside ffmpeg, or PATH. Throws `FFMPEG_MISSING` saying how to
 * install it when either does not run.
 */
export function findFfmpeg(option?: string): FfmpegPaths {
  const ffmpeg = option ?? process.env.ANIME2D_FFMPEG ?? onPath("ffmpeg") ?? "ffmpeg";
  const besides = ffmpeg.includes("/") || ffmpeg.includes("\\") ? join(dirname(ffmpeg), process.platform === "win32" ? "ffprobe.exe" : "ffprobe") : undefined;
  const ffprobe = process.env.ANIME2D_FFPROBE ?? (besides && existsSync(besides) ? besides : onPath("ffprobe") ?? "ffprobe");
  const version = runVersion(ffmpeg);
  if (version === undefined) throw new Anime2dError("FFMPEG_MISSING", `ffmpeg was not found or does not run (${ffmpeg}). ${INSTALL_HINT}`);
  if (runVersion(ffprobe) === undefined) throw new Anime2dError("FFMPEG_MISSING", `ffprobe was not found or does not run (${ffprobe}). ${INSTALL_HINT}`);
  return { ffmpeg, ffprobe, major: version };
}

function runVersion(command: string): number | undefined {
  const result = spawnSync(command, ["-version"], { encoding: "utf8", timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  const match = /version\s+n?(\d+)/.exec(result.stdout);
  return match ? Number(match[1]) : 99;
}

function onPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? [".exe", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const ext of exts) if (dir && existsSync(join(dir, name + ext))) return join(dir, name + ext);
  }
  return undefined;
}

/** Spawns an ffmpeg-family process; keeps the tail of its stderr for error messages. */
export function spawnTool(command: string, args: string[], stdio: ("pipe" | "ignore")[] = ["ignore", "pipe", "pipe"]): { child: ChildProcess; stderr: () => string; exited: Promise<number> } {
  const child = spawn(command, args, { stdio });
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  const exited = new Promise<number>((resolve) => {
    child.once("error", () => resolve(-1));
    child.once("close", (code, signal) => resolve(code ?? (signal ? -1 : 0)));
  });
  return { child, stderr: () => tail.trim(), exited };
}

/** Runs a tool to completion and returns its stdout; rejects with `code` and stderr's tail on failure. */
export async function runTool(command: string, args: string[], code: "DECODE_FAILED" | "ENCODE_FAILED", what: string): Promise<string> {
  const { child, stderr, exited } = spawnTool(command, args);
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  const status = await exited;
  if (status !== 0) throw new Anime2dError(code, `${what} failed (exit ${status}): ${lastLines(stderr())}`);
  return out;
}

/** The last lines of a tool's stderr, for an error message. */
export function lastLines(text: string, lines = 3): string {
  return text.split("\n").slice(-lines).join(" | ") || "no message";
}
