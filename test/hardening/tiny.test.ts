import { describe, expect, it } from "vitest";
import { DIST, lastJson, runScript } from "./child.js";

// Every style, upscaler and the face detector on images at and below each model's size
// multiple. Run in a child process: ONNX Runtime writes its own error lines straight to the
// process's stderr, which only a separate process lets the test see.
const script = `
const a = await import(${JSON.stringify(DIST)});
const sizes = [[1, 1], [2, 2], [3, 3], [1, 5000], [5000, 1], [7, 17]];
const image = (w, h) => ({ data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) & 255), width: w, height: h, channels: 3 });
const results = [];
const stylizer = a.createStylizer({ threads: 1 });
for (const style of a.listStyles().map((s) => s.id)) {
  for (const [w, h] of sizes) {
    try {
      const out = await stylizer.stylize(image(w, h), { style, face: "off", color: "model" });
      results.push({ what: style, w, h, ow: out.width, oh: out.height });
    } catch (e) { results.push({ what: style, w, h, error: e.code + ": " + e.message }); }
  }
}
await stylizer.dispose();
for (const upscaler of a.listUpscalers()) {
  for (const [w, h] of sizes.slice(0, 4)) {
    try {
      const out = await a.upscale(image(w, h), { upscaler, threads: 1 });
      results.push({ what: upscaler, w, h, ow: out.width / 2, oh: out.height / 2 });
    } catch (e) { results.push({ what: upscaler, w, h, error: e.code + ": " + e.message }); }
  }
}
for (const [w, h] of sizes) {
  try {
    const faces = await a.detectFaces(image(w, h), { threads: 1 });
    results.push({ what: "detectFaces", w, h, ow: w, oh: h, faces: faces.length });
  } catch (e) { results.push({ what: "detectFaces", w, h, error: e.code + ": " + e.message }); }
}
console.log(JSON.stringify(results));
`;

describe("images smaller than a model's minimum are padded up and cropped back", () => {
  it("every style, upscaler and the face detector handle 1×1, 2×2, 3×3, 1×5000, 5000×1 and 7×17, with nothing on stderr", async () => {
    const result = await runScript(script, { timeoutMs: 600_000 });
    const rows = lastJson<{ what: string; w: number; h: number; ow?: number; oh?: number; error?: string }[]>(result);
    const failures = rows.filter((r) => r.error || r.ow !== r.w || r.oh !== r.h);
    expect(failures).toEqual([]);
    expect(rows.length).toBeGreaterThan(50);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
