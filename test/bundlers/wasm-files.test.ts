// A production build ships only the ONNX Runtime wasm its backend loads: the plain wasm build
// (ort-wasm-simd-threaded) for the default backend, and the WebGPU/asyncify one only when the
// app opts into WebGPU by importing "anime2d/webgpu".
import { describe, expect, it } from "vitest";
import { buildWithVite, createTinyApp, wasmFiles } from "./tiny-app.js";

const WASM_ONLY = `
import { createStylizer, env } from "anime2d";
env.modelDir = "/models/";
const stylizer = createStylizer({ worker: new URLSearchParams(location.search).has("worker") });
window.run = (file) => stylizer.stylize(file, { style: "cute" });
`;

const WEBGPU = `
import "anime2d/webgpu";
import { createStylizer } from "anime2d";
window.stylizer = createStylizer({ backend: "webgpu" });
`;

describe("wasm files in a Vite production build", () => {
  it("a wasm-only app (page and worker mode) ships exactly one wasm file: ort-wasm-simd-threaded", async () => {
    const out = await buildWithVite(await createTinyApp("wasm-only-app", WASM_ONLY));
    const files = await wasmFiles(out);
    console.log(`wasm-only build: ${files.map((f) => `${f.file} (${(f.bytes / 1e6).toFixed(1)} MB)`).join(", ")}`);
    expect(files.map((f) => f.file.replace(/^.*\//, "").replace(/-[\w-]{8}\.wasm$/, ".wasm"))).toEqual(["ort-wasm-simd-threaded.wasm"]);
  }, 180_000);

  it("an app that imports anime2d/webgpu also ships the WebGPU (asyncify) runtime", async () => {
    const out = await buildWithVite(await createTinyApp("webgpu-app", WEBGPU));
    const names = (await wasmFiles(out)).map((f) => f.file);
    console.log(`webgpu build: ${names.join(", ")}`);
    expect(names.some((f) => /asyncify|jsep/.test(f))).toBe(true);
  }, 180_000);
});
