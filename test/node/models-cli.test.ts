// `anime2d models …` and the API under it, as a package user meets them: an empty cache, model
// files from a folder (import) or from a host (fetch, several sources), then stylizing with
// nothing but the cache. Hosts are loopback servers; nothing reaches the internet.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { env, fetchModels, listStyles, registerStyle } from "@anime2d/node";
import { MODEL_DIR, photo, ROOT } from "../fixtures/paths.js";
import { useModelHost } from "../fixtures/model-host.js";

const CLI = join(ROOT, "bin", "anime2d.js");
const temp = mkdtempSync(join(tmpdir(), "anime2d-models-"));
const CUTE = "animeganv3-tiny-cute.onnx";
const HAYAO = "animeganv3-hayao.onnx";
const RETINA = "retinaface-mnet025.onnx";

/** Runs the built CLI with a given cache and host, and no ANIME2D_MODEL_DIR. */
async function cli(args: string[], extra: Record<string, string> = {}) {
  const { ANIME2D_MODEL_DIR: _dir, ANIME2D_OFFLINE: _offline, ...rest } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...rest, ...extra }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// A loopback model host: serves the real file, an SPA-style HTML fallback, or a cut-off file.
const modelHost = useModelHost();
afterAll(async () => {
  rmSync(temp, { recursive: true, force: true });
});

describe("anime2d models (CLI)", () => {
  it("list shows every model missing from an empty cache, with size, licence and source", async () => {
    const cache = join(temp, "empty-cache");
    const r = await cli(["models", "list"], { ANIME2D_CACHE_DIR: cache });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Cache: ${cache}`);
    expect(r.stdout).toMatch(/^hayao\s+style\s+missing\s+4\.2 MB\s+AnimeGANv3 licence.*\snone$/m);
    expect(r.stdout).toMatch(/^cute\s+style\s+missing.*github\.com$/m);
    expect(r.stdout.match(/^\S+\s+(style|upscaler|detector)\s+missing\s/gm)).toHaveLength(12);
    expect((await cli(["models", "path"], { ANIME2D_CACHE_DIR: cache })).stdout.trim()).toBe(cache);
  });

  it("import verifies each file, copies the good ones into the cache and refuses a damaged one", async () => {
    const dir = join(temp, "downloads");
    const cache = join(temp, "import-cache");
    mkdirSync(dir);
    copyFileSync(join(MODEL_DIR, CUTE), join(dir, CUTE));
    copyFileSync(join(MODEL_DIR, RETINA), join(dir, RETINA)); // cute is a portrait style: face mode needs the detector
    writeFileSync(join(dir, HAYAO), readFileSync(join(MODEL_DIR, HAYAO)).subarray(0, 100_000)); // truncated
    writeFileSync(join(dir, "mystery.onnx"), "x");
    const r = await cli(["models", "import", dir], { ANIME2D_CACHE_DIR: cache });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${CUTE}: imported (cute, verified)`);
    expect(r.stdout).toContain("mystery.onnx: skipped");
    expect(r.stderr).toMatch(new RegExp(`${HAYAO}: MODEL_INTEGRITY: .*100000 bytes`));
    expect(r.stdout).toContain(`${RETINA}: imported (retinaface, verified)`);
    expect(readdirSync(cache).sort()).toEqual([CUTE, RETINA]); // no damaged or temporary file left
    expect(readFileSync(join(cache, CUTE)).equals(readFileSync(join(MODEL_DIR, CUTE)))).toBe(true);
    expect((await cli(["models", "list", "cute", "hayao"], { ANIME2D_CACHE_DIR: cache })).stdout).toMatch(/^cute\s+style\s+installed[\s\S]*^hayao\s+style\s+missing/m);

    // The cache alone is enough to stylize: no ANIME2D_MODEL_DIR, downloads off.
    const out = join(temp, "out");
    const styled = await cli([photo("coffee.png"), "--style", "cute", "--out", out], { ANIME2D_CACHE_DIR: cache, ANIME2D_OFFLINE: "1" });
    expect(styled.stderr).toBe("");
    expect(existsSync(join(out, "coffee-cute.png"))).toBe(true);
  });

  it("fetch downloads from ANIME2D_MODEL_HOST, verified, then finds it cached; a bad host fails typed", async () => {
    const cache = join(temp, "fetch-cache");
    const first = await cli(["models", "fetch", "hayao", "retinaface"], { ANIME2D_CACHE_DIR: cache, ANIME2D_MODEL_HOST: `${modelHost.url}/good/` });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/hayao: downloaded and verified\nretinaface: downloaded and verified/);
    expect(readdirSync(cache).sort()).toEqual([HAYAO, RETINA]);
    const again = await cli(["models", "fetch", "hayao"], { ANIME2D_CACHE_DIR: cache, ANIME2D_MODEL_HOST: `${modelHost.url}/good/` });
    expect(again.stdout).toContain("hayao: already in the cache (verified)");

    const bad = await cli(["models", "fetch", "shinkai"], { ANIME2D_CACHE_DIR: cache, ANIME2D_MODEL_HOST: `${modelHost.url}/html/` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/shinkai: MODEL_INTEGRITY: .*HTML/);
    expect(readdirSync(cache)).not.toContain("animeganv3-shinkai.onnx");
    const none = await cli(["models", "fetch", "whitebox"], { ANIME2D_CACHE_DIR: cache });
    expect(none.stderr).toMatch(/whitebox: MODEL_NOT_FOUND: .*ANIME2D_MODEL_HOST/);
  });
});

describe("fetchModels (API)", () => {
  it("tries a model's sources in order until one serves the verified bytes", async () => {
    const cute = listStyles().find((s) => s.id === "cute")!;
    registerStyle({ ...cute, id: "cute-mirrored", url: null, sources: [`${modelHost.url}/missing/${CUTE}`, `${modelHost.url}/html/${CUTE}`, `${modelHost.url}/good/${CUTE}`] });
    const saved = { ...env };
    Object.assign(env, { modelHost: undefined, allowRemoteModels: true, useCache: true, cacheDir: join(temp, "api-cache") });
    try {
      const before = modelHost.requests.length;
      const loaded: number[] = [];
      expect(await fetchModels(["cute-mirrored"], { onProgress: (e) => e.loaded !== undefined && loaded.push(e.loaded) })).toEqual([{ id: "cute-mirrored", outcome: "downloaded" }]);
      expect(modelHost.requests.slice(before)).toEqual([`/missing/${CUTE}`, `/html/${CUTE}`, `/good/${CUTE}`]);
      expect(loaded.at(-1)).toBe(cute.bytes);
      expect(await fetchModels(["cute-mirrored"])).toEqual([{ id: "cute-mirrored", outcome: "cached" }]);
    } finally {
      Object.assign(env, saved);
    }
  });
});
