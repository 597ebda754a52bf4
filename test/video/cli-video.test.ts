import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/paths.js";
import { makeClips, probe, type Clips } from "./clips.js";

const run = promisify(execFile);
const CLI = join(ROOT, "bin", "anime2d.js");

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let clips: Clips;
beforeAll(() => {
  clips = makeClips();
});
afterAll(() => clips?.cleanup());

describe("anime2d video (built package)", { timeout: 300_000 }, () => {
  it("writes one MP4 per input with the input's frames and sound", async () => {
    const out = join(clips.dir, "cli-out");
    const r = await cli(["video", clips.audio, "--style", "cute", "--face", "off", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audio\.mp4 → .*audio-cute\.mp4 \(24 frames, 1 shot/);
    const a = probe(clips.audio);
    const b = probe(join(out, "audio-cute.mp4"));
    expect(b.frames).toBe(a.frames);
    expect(b.audio?.codec).toBe("aac");
  });

  it("without ffmpeg: exit 1 and one line saying how to install it", async () => {
    const out = join(clips.dir, "cli-missing");
    const r = await cli(["video", clips.pan, "--out", out], { ...process.env, ANIME2D_FFMPEG: join(clips.dir, "no-such-ffmpeg") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FFMPEG_MISSING: .*apt-get install ffmpeg/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("--help lists the video options", async () => {
    const r = await cli(["video", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--temporal <mode>/);
  });
});
