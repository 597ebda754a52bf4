import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ModelPool, OPTIMIZER_VERSION, env, getModel, nchwcBlockSize, optimizeModel, optimizedBytes, optimizedCacheFile, runnableBytes, sameOutputs } from "@anime2d/core";
import { nodePlatform } from "@anime2d/node";
import { MODEL_DIR } from "../fixtures/paths.js";
import { unaryModel } from "../fixtures/onnx.js";

// The optimised graph is built once and kept in the cache; an entry from another optimiser
// version, of another source or damaged in any byte must be rebuilt, never used.

const spec = getModel("cute");
const source = readFileSync(join(MODEL_DIR, spec.file));
const expected = optimizeModel(source).bytes;
const io = nodePlatform.io;
const saved = { ...env };
let cacheDir: string;
let entryPath: string;

beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "anime2d-optcache-"));
  Object.assign(env, { cacheDir, useCache: true });
  entryPath = join(cacheDir, optimizedCacheFile(spec.sha256!));
});
afterEach(() => {
  Object.assign(env, saved);
  rmSync(cacheDir, { recursive: true, force: true });
});

/** A cache entry in the format the optimiser writes, with any header fields overridden. */
function plantEntry(payload: Uint8Array, header: Record<string, unknown>, path = entryPath) {
  const text = `anime2d-optimized\n${JSON.stringify({ version: OPTIMIZER_VERSION, source: spec.sha256, bytes: payload.length, ...header })}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([Buffer.from(text), payload]));
}

const sha = (bytes: Uint8Array) => io.sha256(bytes);
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe("optimised graph cache", () => {
  it("builds on first load, stores a verified entry and serves it next time", async () => {
    const first = await optimizedBytes(source, spec.sha256!, io, io.cache!());
    expect(sameBytes(first, expected)).toBe(true);
    expect(existsSync(entryPath)).toBe(true);
    const entry = readFileSync(entryPath);
    expect(entry.subarray(0, 18).toString()).toBe("anime2d-optimized\n");
    // Served from the entry: same bytes, and the entry is left as it was.
    const second = await optimizedBytes(source, spec.sha256!, io, io.cache!());
    expect(sameBytes(second, expected)).toBe(true);
    expect(sameBytes(readFileSync(entryPath), entry)).toBe(true);
  });

  // A valid ONNX file that is not this model's optimised graph: if any of these entries were
  // used, the result would be this graph.
  const impostor = unaryModel("Neg", "x", "y", [1, 4, 4, 3]);

  it("rebuilds an entry written by another optimiser version", async () => {
    plantEntry(impostor, { version: OPTIMIZER_VERSION + 1, sha256: await sha(impostor) });
    const bytes = await optimizedBytes(source, spec.sha256!, io, io.cache!());
    expect(sameBytes(bytes, expected)).toBe(true);
    expect(readFileSync(entryPath).includes(Buffer.from(`"version":${OPTIMIZER_VERSION},`))).toBe(true);
  });

  it("rebuilds an entry of another source file", async () => {
    plantEntry(impostor, { source: "0".repeat(64), sha256: await sha(impostor) });
    expect(sameBytes(await optimizedBytes(source, spec.sha256!, io, io.cache!()), expected)).toBe(true);
  });

  it("rebuilds a corrupt entry (one byte changed, truncated, or garbage)", async () => {
    await optimizedBytes(source, spec.sha256!, io, io.cache!());
    const good = readFileSync(entryPath);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100] ^= 0xff;
    for (const bad of [flipped, good.subarray(0, good.length - 1000), Buffer.from("not an onnx file")]) {
      writeFileSync(entryPath, bad);
      expect(sameBytes(await optimizedBytes(source, spec.sha256!, io, io.cache!()), expected)).toBe(true);
      expect(sameBytes(readFileSync(entryPath), good)).toBe(true);
    }
  });

  it("a ModelPool never opens a corrupt entry and works with optimize on and off", async () => {
    // The pool writes this machine's blocked layout where ONNX Runtime has one (block-size.ts).
    const blockSize = await nchwcBlockSize(nodePlatform.ort);
    const poolEntry = join(cacheDir, optimizedCacheFile(spec.sha256!, "fp32", blockSize));
    const poolExpected = optimizeModel(source, { blockSize }).bytes;
    plantEntry(impostor, { sha256: "f".repeat(64), ...(blockSize ? { blockSize } : {}) }, poolEntry);
    for (const optimize of [true, false]) {
      const pool = new ModelPool(nodePlatform, { modelDir: MODEL_DIR, threads: 1, optimize });
      try {
        const model = await pool.get(spec);
        const out = await model.run(new Float32Array(64 * 64 * 3).fill(0.2), [1, 64, 64, 3]);
        expect(out.dims).toEqual([1, 64, 64, 3]);
        // Derived graphs (tiling's frozen statistics) start from the source file.
        expect(sameBytes(model.bytes!, source)).toBe(true);
      } finally {
        await pool.dispose();
      }
    }
    expect(readFileSync(poolEntry).includes(Buffer.from(await sha(poolExpected)))).toBe(true);
  });

  describe("the blocked (NCHWc) layout", () => {
    const blockedFile = () => join(cacheDir, optimizedCacheFile(spec.sha256!, "fp32", 16));

    it("is cached under its block size, and an entry for another block size is rebuilt", async () => {
      const blocked = optimizeModel(source, { blockSize: 16 }).bytes;
      plantEntry(impostor, { sha256: await sha(impostor), blockSize: 8 }, blockedFile());
      const bytes = await optimizedBytes(source, spec.sha256!, io, io.cache!(), undefined, { blockSize: 16, verify: async () => true });
      expect(sameBytes(bytes, blocked)).toBe(true);
      expect(readFileSync(blockedFile()).includes(Buffer.from('"blockSize":16'))).toBe(true);
      // The plain entry is another key: untouched by the blocked one.
      expect(existsSync(entryPath)).toBe(false);
    });

    it("written for another machine's block size is caught by the check, and the plain graph used", async () => {
      const here = await nchwcBlockSize(nodePlatform.ort);
      if (!here) return; // no blocked kernels in this ONNX Runtime build: nothing to mistake
      const other = here === 16 ? 8 : 16;
      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
      try {
        const verify = (candidate: Uint8Array, plain: Uint8Array) => sameOutputs(nodePlatform.ort, spec, candidate, plain);
        const bytes = await optimizedBytes(source, spec.sha256!, io, io.cache!(), undefined, { blockSize: other, verify });
        expect(sameBytes(bytes, expected)).toBe(true);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(new RegExp(`NCHWc${other} graph (disagreed|could not be used)`));
        // And this machine's own block size passes the same check.
        const own = await optimizedBytes(source, spec.sha256!, io, io.cache!(), undefined, { blockSize: here, verify });
        expect(sameBytes(own, optimizeModel(source, { blockSize: here }).bytes)).toBe(true);
      } finally {
        warn.mockRestore();
      }
    });

    it("that disagrees with the plain graph (or cannot be checked) is replaced by the plain graph, once", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
      try {
        for (const verify of [async () => false, async () => Promise.reject(new Error("no kernel"))]) {
          rmSync(blockedFile(), { force: true });
          const bytes = await optimizedBytes(source, spec.sha256!, io, io.cache!(), undefined, { blockSize: 16, verify });
          expect(sameBytes(bytes, expected)).toBe(true);
        }
        expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/NCHWc16 graph disagreed[\s\S]*NCHWc16 graph could not be used \(no kernel\)/);
        // The decision is cached: the next load does not build or check again.
        const check = vi.fn(async () => true);
        expect(sameBytes(await optimizedBytes(source, spec.sha256!, io, io.cache!(), undefined, { blockSize: 16, verify: check }), expected)).toBe(true);
        expect(check).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    });
  });

  it("says why when an INT8 graph cannot be built, and runs the published file", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const stale = { optimizerVersion: OPTIMIZER_VERSION - 1, activations: {} };
      const bytes = await runnableBytes(source, spec.sha256, io, undefined, stale);
      expect(sameBytes(bytes, source)).toBe(true);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/INT8 graph could not be built .*optimiser version/);
    } finally {
      warn.mockRestore();
    }
  });
});
