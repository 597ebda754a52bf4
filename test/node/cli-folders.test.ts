// The CLI on real folders: recursion, a mirrored output tree where two photo.jpg never
// collide, a bad file that fails alone, --compare, --skip-existing, --json, globs, and bad
// options refused up front with exit 2.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meanAbsDiff } from "../fixtures/images.js";
import { MODEL_DIR, photo, ROOT } from "../fixtures/paths.js";

const CLI = join(ROOT, "bin", "anime2d.js");
const dir = mkdtempSync(join(tmpdir(), "anime2d-cli-folders-"));
const input = join(dir, "in");

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, ANIME2D_MODEL_DIR: resolve(MODEL_DIR) } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (text: string) => text.split("\n").filter(Boolean);

beforeAll(async () => {
  for (const sub of ["a/deep", "b"]) mkdirSync(join(input, sub), { recursive: true });
  const shrink = (name: string, to: string) => sharp(photo(name)).resize(96).toFile(join(input, to));
  await shrink("china.jpg", "a/photo.jpg");
  await shrink("rocket.jpg", "b/photo.jpg");
  await shrink("coffee.png", "a/deep/cup.png");
  // A JPEG whose data ends early: a real file that fails to decode.
  writeFileSync(join(input, "b/broken.jpg"), readFileSync(photo("china.jpg")).subarray(0, 3000));
  writeFileSync(join(input, "notes.txt"), "not a photo, not an input");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("anime2d CLI on folders", () => {
  it("mirrors a nested folder, keeps both photo.jpg, fails only the bad file, writes comparisons", async () => {
    const r = await cli(["in", "--out", "out", "--compare", "--concurrency", "2"]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(3);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/broken\.jpg: DECODE_FAILED: /)]);
    const a = await sharp(join(dir, "out/a/photo-hayao.png")).raw().toBuffer({ resolveWithObject: true });
    const b = await sharp(join(dir, "out/b/photo-hayao.png")).raw().toBuffer({ resolveWithObject: true });
    expect(a.data.equals(b.data)).toBe(false);
    // Side by side: the photo (96 wide) then its result (96 wide), at the result's height.
    const china = await sharp(join(input, "a/photo.jpg")).raw().toBuffer({ resolveWithObject: true });
    expect([a.info.width, a.info.height]).toEqual([192, china.info.height]);
    const half = (side: 0 | 1) => {
      const out = new Uint8Array(96 * china.info.height * 3);
      for (let y = 0; y < china.info.height; y++) out.set(a.data.subarray((y * 192 + side * 96) * 3, (y * 192 + side * 96 + 96) * 3), y * 96 * 3);
      return out;
    };
    expect(meanAbsDiff(half(0), china.data)).toBeLessThan(1);
    expect(meanAbsDiff(half(1), china.data)).toBeGreaterThan(8);
    expect(existsSync(join(dir, "out/a/deep/cup-hayao.png"))).toBe(true);
    expect(existsSync(join(dir, "out/notes-hayao.png"))).toBe(false);
  });

  it("--skip-existing with --json: one JSON line per file, only the missing result is attempted", async () => {
    const r = await cli(["in", "--out", "out", "--skip-existing", "--json"]);
    expect(r.code).toBe(1);
    const records = lines(r.stdout).map((l) => JSON.parse(l));
    expect(records.filter((x) => x.skipped).map((x) => x.output).sort()).toEqual(["out/a/deep/cup-hayao.png", "out/a/photo-hayao.png", "out/b/photo-hayao.png"]);
    expect(records.filter((x) => x.error)).toEqual([{ input: "in/b/broken.jpg", error: { code: "DECODE_FAILED", message: expect.any(String) } }]);
    expect(r.stderr).toBe("");
  });

  it("expands globs below their base folder and names collisions apart", async () => {
    const r = await cli(["in/**/*.jpg", "in/a/photo.jpg", "--out", "globbed", "--json", "--format", "jpeg"]);
    const records = lines(r.stdout).map((l) => JSON.parse(l));
    expect(records.filter((x) => x.output).map((x) => x.output).sort()).toEqual(["globbed/a/photo-hayao.jpg", "globbed/b/photo-hayao.jpg", "globbed/photo-hayao.jpg"]);
    expect((await sharp(join(dir, "globbed/photo-hayao.jpg")).metadata()).format).toBe("jpeg");
  });

  it("refuses bad options once, up front, with exit 2 and no stack trace", async () => {
    writeFileSync(join(dir, "a-file"), "x");
    for (const [args, message] of [
      [["in", "--style", "nope"], /UNKNOWN_STYLE: Unknown style "nope"/],
      [["in", "--strength", "abc"], /INVALID_OPTION: --strength must be a number from 0 to 1, got "abc"/],
      [["in", "--out", "a-file"], /INVALID_OPTION: --out a-file is a file/],
      [["in", "--concurrency", "0"], /INVALID_OPTION: --concurrency must be a positive integer/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    }
  });

  it("prints its version", async () => {
    const r = await cli(["--version"]);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});
