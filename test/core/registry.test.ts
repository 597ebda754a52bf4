import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Anime2dError, getModel, listModels, listStyles, registerStyle, validateModelSpec, type ModelSpec } from "@anime2d/core";
import { MODEL_DIR, ROOT } from "../fixtures/paths.js";

/** Rows of MODELS.md's tables: file → { bytes, sha256 }. */
function modelsMd(): Map<string, { bytes: number; sha256: string }> {
  const rows = new Map<string, { bytes: number; sha256: string }>();
  for (const line of readFileSync(join(MODEL_DIR, "MODELS.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const file = cells.find((c) => c.endsWith(".onnx"));
    const sha256 = cells.find((c) => /^[0-9a-f]{64}$/.test(c));
    const bytes = cells.find((c) => /^\d{6,}$/.test(c));
    if (file && sha256 && bytes) rows.set(file, { bytes: Number(bytes), sha256 });
  }
  return rows;
}

describe("style registry", () => {
  it("registers every generator of MODELS.md under the agreed ids", () => {
    expect(listStyles().map((s) => s.id).sort()).toEqual(
      ["cartoongan-paprika", "cartoongan-shinkai", "cute", "hayao", "hayao-v2", "shinkai", "whitebox"].sort(),
    );
  });

  it("carries the exact size and sha256 that MODELS.md states for every model file", () => {
    const facts = modelsMd();
    expect(facts.size).toBe(12);
    for (const m of listModels()) {
      expect(facts.get(m.file), m.file).toEqual({ bytes: m.bytes, sha256: m.sha256 });
    }
  });

  it("has every model of MODELS.md in registry.json and nothing else", () => {
    // Read from the data file itself: other tests here register custom styles at run time.
    const registry = JSON.parse(readFileSync(join(ROOT, "models", "registry.json"), "utf8")) as { models: ModelSpec[] };
    const registered = registry.models.map((m) => m.file).sort();
    expect(registered).toEqual([...modelsMd().keys()].sort());
    expect(new Set(registered).size).toBe(registered.length);
  });

  it("records licences, commercial use and the BGR model", () => {
    const byId = Object.fromEntries(listStyles().map((s) => [s.id, s]));
    expect(byId["cartoongan-paprika"].commercialUse).toBe(true);
    expect(byId["cartoongan-paprika"].licence).toBe("Apache-2.0");
    expect(byId.hayao.commercialUse).toBe(false);
    expect(byId.whitebox.input.channelOrder).toBe("BGR");
    expect(byId.whitebox.output.channelOrder).toBe("BGR");
    expect(byId.cute.multipleOf).toBe(16);
    expect(byId.hayao.multipleOf).toBe(8);
    expect(byId["hayao-v2"].input.name).toBe("test");
  });

  it("rejects invalid specs with every problem named", () => {
    const bad = { id: "Bad Id", file: "../x.onnx", multipleOf: 0, sha256: "xyz", input: { name: "i", layout: "HWC", channelOrder: "RGB", range: [1, 0] } } as unknown as ModelSpec;
    try {
      validateModelSpec(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Anime2dError);
      const e = error as Anime2dError;
      expect(e.code).toBe("INVALID_OPTION");
      for (const part of ["id", "file", "sha256", "multipleOf", "input.layout", "input.range", "output.name"]) expect(e.message).toContain(part);
    }
  });

  it("adds custom styles but never replaces a built-in", () => {
    const spec = {
      id: "my-style",
      file: "my.onnx",
      multipleOf: 4,
      input: { name: "x", layout: "NCHW", channelOrder: "RGB", range: [0, 1] },
      output: { name: "y", layout: "NCHW", channelOrder: "RGB", range: [0, 1] },
    } as const;
    const info = registerStyle({ ...spec, input: { ...spec.input, range: [0, 1] }, output: { ...spec.output, range: [0, 1] } });
    expect(info.kind).toBe("style");
    expect(getModel("my-style").file).toBe("my.onnx");
    expect(() => registerStyle({ ...getModel("hayao") })).toThrowError(/built-in/);
  });

  it("names the known styles when a style is unknown", () => {
    expect(() => getModel("nope")).toThrowError(expect.objectContaining({ code: "UNKNOWN_STYLE", message: expect.stringContaining("hayao") }));
    expect(() => getModel("waifu2x")).toThrowError(expect.objectContaining({ code: "UNKNOWN_STYLE" }));
  });
});
