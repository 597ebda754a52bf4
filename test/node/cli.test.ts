import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { photo, ROOT } from "../fixtures/paths.js";
import { readRgb } from "../fixtures/images.js";
import { stylize } from "@anime2d/node";

const run = promisify(execFile);
const CLI = join(ROOT, "bin", "anime2d.js");

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env: process.env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Mean distance of two RGB images' chroma (Cb, Cr per BT.601), in 0..255 units. */
function chromaDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const chroma = (p: ArrayLike<number>, i: number) => [-0.1687 * p[i] - 0.3313 * p[i + 1] + 0.5 * p[i + 2], 0.5 * p[i] - 0.4187 * p[i + 1] - 0.0813 * p[i + 2]];
  let sum = 0;
  for (let i = 0; i < a.length; i += 3) {
    const [[ca, ra], [cb, rb]] = [chroma(a, i), chroma(b, i)];
    sum += Math.hypot(ca - cb, ra - rb);
  }
  return sum / (a.length / 3);
}

describe("anime2d CLI (built package)", () => {
  it("stylizes files into the output folder, one line per file", async () => {
    const out = mkdtempSync(join(tmpdir(), "anime2d-cli-"));
    const r = await cli([photo("china.jpg"), photo("rocket.jpg"), "--style", "cute", "--out", out, "--strength", "0.8"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    const meta = await sharp(join(out, "china-cute.png")).metadata();
    expect([meta.width, meta.height]).toEqual([640, 427]);
    expect(existsSync(join(out, "rocket-cute.png"))).toBe(true);
    // --strength 0.8: every pixel is 80 % of the full style over 20 % of the photo.
    const [written, original, full] = await Promise.all([readRgb(join(out, "china-cute.png")), readRgb(photo("china.jpg")), stylize(photo("china.jpg"), { style: "cute" })]);
    let worst = 0;
    for (let i = 0; i < written.data.length; i++) worst = Math.max(worst, Math.abs(written.data[i] - (0.2 * original.data[i] + 0.8 * full.data[i])));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("exits non-zero with one clear line per failed file and still does the good ones", async () => {
    const out = mkdtempSync(join(tmpdir(), "anime2d-cli-"));
    const bad = join(out, "broken.jpg");
    writeFileSync(bad, "not an image");
    const r = await cli([bad, photo("china.jpg"), join(out, "missing.png"), "--style", "cute", "--out", out]);
    expect(r.code).toBe(1);
    const errors = r.stderr.trim().split("\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/broken\.jpg: UNSUPPORTED: /);
    expect(errors[1]).toMatch(/missing\.png: INVALID_INPUT: /);
    expect(existsSync(join(out, "china-cute.png"))).toBe(true);
  });

  it("finishes with colour preservation and a 2× upscale", async () => {
    const out = mkdtempSync(join(tmpdir(), "anime2d-cli-"));
    const r = await cli([photo("rocket.jpg"), "--style", "cute", "--out", out, "--color", "preserve", "--upscaler", "lanczos", "--format", "jpeg"]);
    expect(r.code).toBe(0);
    const meta = await sharp(join(out, "rocket-cute.jpg")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1280, 854]);
    // --color preserve: the photo's chroma under the style's luma, far closer to the photo's
    // colours than the model's own (cute's default).
    const [preserved, photoRgb, modelColours] = await Promise.all([
      readRgb(join(out, "rocket-cute.jpg")).then((i) => sharp(i.data, { raw: { width: 1280, height: 854, channels: 3 } }).resize(640, 427, { kernel: "linear" }).raw().toBuffer()),
      readRgb(photo("rocket.jpg")),
      stylize(photo("rocket.jpg"), { style: "cute", color: "model" }),
    ]);
    const [kept, own] = [chromaDistance(preserved, photoRgb.data), chromaDistance(modelColours.data, photoRgb.data)];
    console.info(`--color preserve: chroma distance to the photo ${kept.toFixed(2)}, model colours ${own.toFixed(2)}`);
    expect(kept).toBeLessThan(own / 3);
    expect((await cli([photo("rocket.jpg"), "--out", out, "--color", "sepia"])).stderr).toMatch(/INVALID_OPTION/);
    const avatar = await cli([photo("astronaut.png"), "--style", "cute", "--face", "avatar", "--out", out]);
    expect(avatar.code).toBe(0);
    expect((await sharp(join(out, "astronaut-cute.png")).metadata()).width).toBe(512);
    expect((await cli([photo("coffee.png"), "--style", "cute", "--face", "avatar", "--out", out])).stderr).toMatch(/NO_FACE/);
  });

  it("lists styles with licences", async () => {
    const r = await cli(["--list-styles"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hayao\s+.*non-commercial/);
    expect(r.stdout).toMatch(/cartoongan-paprika\s+.*Apache-2\.0/);
  });

  it("rejects unknown styles and flags", async () => {
    expect((await cli([photo("china.jpg"), "--style", "nope"])).stderr).toMatch(/UNKNOWN_STYLE/);
    expect((await cli(["--bogus"])).code).toBe(2);
  });
});
