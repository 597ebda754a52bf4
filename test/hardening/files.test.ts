import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createStylizer, stylize } from "@anime2d/node";
import { MODEL_DIR, photo } from "../fixtures/paths.js";
import { runScript } from "./child.js";

const tmp = mkdtempSync(join(tmpdir(), "anime2d-files-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fifo = (name: string) => {
  const path = join(tmp, name);
  execFileSync("mkfifo", [path]);
  return path;
};

/** The call's error code, or "TIMEOUT" if it has not settled after `ms` (the old behaviour: forever). */
function settle(work: Promise<unknown>, ms = 15_000): Promise<string> {
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("TIMEOUT"), ms).unref());
  return Promise.race([work.then(() => "resolved", (e: { code?: string; message?: string }) => e.code ?? `untyped: ${e.message}`), timeout]);
}

describe("file inputs: only regular files are read, and no further than maxInputBytes", () => {
  it("a FIFO is refused at once instead of blocking forever", async () => {
    expect(await settle(stylize(fifo("in.jpg"), { style: "cute" }))).toBe("INVALID_INPUT");
  });

  it("four FIFOs at once do not starve libuv's pool: a valid call still finishes", async () => {
    const blocked = [1, 2, 3, 4].map((i) => settle(stylize(fifo(`pool-${i}.jpg`), { style: "cute" })));
    expect(await settle(stylize(photo("rocket.jpg"), { style: "cute" }), 60_000)).toBe("resolved");
    expect(await Promise.all(blocked)).toEqual(["INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT"]);
  });

  it("/dev/zero, a link to it and a folder are refused without reading", async () => {
    const link = join(tmp, "zero.jpg");
    symlinkSync("/dev/zero", link);
    for (const path of ["/dev/zero", link, tmp]) {
      expect(await settle(stylize(path, { style: "cute" })), path).toBe("INVALID_INPUT");
    }
  });

  it("a file over maxInputBytes is INPUT_TOO_LARGE before it is read (a sparse 4 GiB file)", async () => {
    const big = join(tmp, "big.jpg");
    copyFileSync(photo("china.jpg"), big);
    truncateSync(big, 4 * 1024 ** 3);
    const started = performance.now();
    expect(await settle(stylize(big, { style: "cute" }))).toBe("INPUT_TOO_LARGE");
    expect(await settle(stylize(photo("china.jpg"), { style: "cute", maxInputBytes: 10_000 }))).toBe("INPUT_TOO_LARGE");
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("model files: only regular files, checked against the registry's size before reading", () => {
  it("a model path that is a FIFO or a link to a device is refused at once", async () => {
    const link = join(tmp, "zero.onnx");
    symlinkSync("/dev/zero", link);
    for (const path of [fifo("model.onnx"), link]) {
      const stylizer = createStylizer({ style: "cute", models: { cute: path } });
      expect(await settle(stylizer.stylize(photo("rocket.jpg"))), path).toMatch(/^MODEL_/);
      await stylizer.dispose();
    }
  });

  it("a model folder whose file is a FIFO is refused at once", async () => {
    const dir = join(tmp, "fifo-models");
    mkdirSync(dir);
    execFileSync("mkfifo", [join(dir, "animeganv3-tiny-cute.onnx")]);
    expect(await settle(stylize(photo("rocket.jpg"), { style: "cute", modelDir: dir }))).toMatch(/^MODEL_/);
  });

  it("a model file larger than the registry says is MODEL_INTEGRITY without reading it whole (a sparse 3 GiB file)", async () => {
    const dir = join(tmp, "big-models");
    mkdirSync(dir);
    const file = join(dir, "animeganv3-tiny-cute.onnx");
    copyFileSync(join(MODEL_DIR, "animeganv3-tiny-cute.onnx"), file);
    truncateSync(file, 3 * 1024 ** 3);
    expect(await settle(stylize(photo("rocket.jpg"), { style: "cute", modelDir: dir }))).toBe("MODEL_INTEGRITY");
    const small = join(tmp, "small-models");
    mkdirSync(small);
    copyFileSync(join(MODEL_DIR, "animeganv3-tiny-cute.onnx"), join(small, "animeganv3-tiny-cute.onnx"));
    appendFileSync(join(small, "animeganv3-tiny-cute.onnx"), "x");
    expect(await settle(stylize(photo("rocket.jpg"), { style: "cute", modelDir: small }))).toBe("MODEL_INTEGRITY");
  });
});

describe("CLI", () => {
  it("--out naming an existing file is one clear line and exit code 2, no stack trace", async () => {
    const file = join(tmp, "not-a-folder");
    writeFileSync(file, "x");
    const cli = `process.argv = [process.argv[0], "anime2d", ${JSON.stringify(photo("rocket.jpg"))}, "--style", "cute", "--out", ${JSON.stringify(file)}];
      await import(${JSON.stringify(new URL("../../bin/anime2d.js", import.meta.url).href)});`;
    const r = await runScript(cli, { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--out .*not-a-folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--threads out of range is one clear INVALID_OPTION line", async () => {
    const cli = `process.argv = [process.argv[0], "anime2d", ${JSON.stringify(photo("rocket.jpg"))}, "--threads", "100000", "--out", ${JSON.stringify(join(tmp, "out"))}];
      await import(${JSON.stringify(new URL("../../bin/anime2d.js", import.meta.url).href)});`;
    const r = await runScript(cli, { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^anime2d: INVALID_OPTION: threads must be an integer from 1 to \d+, got 100000\.$/);
  });
});

