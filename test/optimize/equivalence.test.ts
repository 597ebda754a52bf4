import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { env, listStyles, nchwcBlockSize, optimizeModel, type ModelSpec } from "@anime2d/core";
import { createStylizer } from "@anime2d/node";
import { MODEL_DIR, photo } from "../fixtures/paths.js";
import { meanAbsDiff } from "../fixtures/images.js";
import { unaryModel } from "../fixtures/onnx.js";
import { decodeModel, encodeModel } from "../../packages/core/src/onnx/model.js";
import { stringField } from "../../packages/core/src/onnx/protobuf.js";

// Every style, optimised graph vs the published file, on the same float input: photos, flat
// white/grey/dark images (where normalisation divides by a variance near zero) and one
// larger non-square input. Rewrites are size-independent, so most inputs are small. Where this
// machine's ONNX Runtime has blocked (NCHWc) kernels, the graph written in that layout too.

const SESSION = { graphOptimizationLevel: "all", intraOpNumThreads: 2, interOpNumThreads: 1 } as const;
const MAX_DIFF = 2e-3;

async function photoTensor(name: string, w: number, h: number): Promise<Float32Array> {
  const { data } = await sharp(photo(name)).resize(w, h, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 127.5 - 1);
}

const flat = (w: number, h: number, value: number) => new Float32Array(w * h * 3).fill(value / 127.5 - 1);

/** A dark sky: 8-bit levels ramping from 4 to 10, top to bottom. */
function dusk(w: number, h: number): Float32Array {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) data.fill(Math.round(4 + (6 * y) / h) / 127.5 - 1, y * w * 3, (y + 1) * w * 3);
  return data;
}

async function inputs(spec: ModelSpec) {
  const side = Math.max(128, spec.multipleOf * 8);
  return [
    { name: "astronaut 192²", w: 192, h: 192, data: await photoTensor("astronaut.png", 192, 192) },
    { name: "woman_portrait 160×224", w: 160, h: 224, data: await photoTensor("woman_portrait.jpg", 160, 224) },
    { name: "white", w: side, h: side, data: flat(side, side, 255) },
    { name: "grey", w: side, h: side, data: flat(side, side, 128) },
    { name: "dark", w: side, h: side, data: flat(side, side, 8) },
    { name: "china 512×384", w: 512, h: 384, data: await photoTensor("china.jpg", 512, 384) },
    // Near-flat and large: means summed in one float accumulator over 512² pixels were off by
    // ~1e-5, which the norms' 1/σ made 4e-3 on the output (the blocked layout's first pooling).
    { name: "dusk 512²", w: 512, h: 512, data: dusk(512, 512) },
  ];
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * Each optimised variant against the published file on every input: max |Δ| ≤ MAX_DIFF on the
 * [-1, 1] scale and 8-bit MAE ≤ 1/255.
 */
async function expectSameOutputs(spec: ModelSpec, source: Uint8Array, variants: { bytes: Uint8Array; report: object }[], cases: Awaited<ReturnType<typeof inputs>>) {
  const original = await ort.InferenceSession.create(source, SESSION);
  const optimized = await Promise.all(variants.map((v) => ort.InferenceSession.create(v.bytes, SESSION)));
  try {
    for (const input of cases) {
      const feed = { [spec.input.name]: new ort.Tensor("float32", input.data, [1, input.h, input.w, 3]) };
      const a = (await original.run(feed))[spec.output.name].data as Float32Array;
      for (const [i, session] of optimized.entries()) {
        const b = (await session.run(feed))[spec.output.name].data as Float32Array;
        const what = `${spec.id} on ${input.name} (rewrites ${JSON.stringify(variants[i].report)})`;
        expect(b.length, what).toBe(a.length);
        expect(maxAbsDiff(a, b), what).toBeLessThanOrEqual(MAX_DIFF);
        expect(meanAbsDiff(toBytes(a), toBytes(b)), what).toBeLessThanOrEqual(1);
      }
    }
  } finally {
    await original.release();
    await Promise.all(optimized.map((s) => s.release()));
  }
}

const toBytes = (y: Float32Array) => Uint8Array.from(y, (v) => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5))));

describe("optimised graphs keep every style's output", () => {
  for (const spec of listStyles()) {
    it(`${spec.id}: max |Δ| ≤ ${MAX_DIFF} on [-1, 1], 8-bit MAE ≤ 1/255`, async () => {
      const source = readFileSync(join(MODEL_DIR, spec.file));
      const blockSize = await nchwcBlockSize(ort);
      const blocked = blockSize ? optimizeModel(source, { blockSize }) : undefined;
      const variants = [optimizeModel(source), ...(blocked?.report.blockedLayout ? [blocked] : [])];
      await expectSameOutputs(spec, source, variants, await inputs(spec));
    });
  }

  it("the v3 generators get their layout and instance norms rewritten", () => {
    for (const file of ["animeganv3-hayao.onnx", "animeganv3-shinkai.onnx"]) {
      const { report } = optimizeModel(readFileSync(join(MODEL_DIR, file)));
      expect(report.nchwLayout, file).toBeGreaterThan(100);
      expect(report.instanceNorm, file).toBe(13);
      expect(report.narrowConv, file).toBe(1);
      expect(report.subpixelUpsample, file).toBe(3);
    }
  });

  it("this machine's ONNX Runtime reports its NCHWc block size, and the v3 graphs are written in it", async () => {
    const blockSize = await nchwcBlockSize(ort);
    // x86-64 builds of onnxruntime-node have blocked kernels: 16 with AVX-512, 8 with AVX2.
    if (process.arch === "x64") expect([8, 16]).toContain(blockSize);
    if (!blockSize) return;
    const { bytes, report } = optimizeModel(readFileSync(join(MODEL_DIR, "animeganv3-hayao.onnx")), { blockSize });
    // 18 convs, 13 norms, 15 pads, 4 residual adds; only the RGB input's transpose, the
    // attention block and the 4 ConvTransposes read NCHW copies.
    expect(report.blockedLayout).toBeGreaterThan(40);
    const text = Buffer.from(bytes).toString("latin1");
    expect(text).toContain("com.microsoft.nchwc");
    // Where most convs would still need reorders (CartoonGAN's norms: measured 4–5% slower), the
    // graph stays in the plain layout.
    expect(optimizeModel(readFileSync(join(MODEL_DIR, "cartoongan-light-shinkai.onnx")), { blockSize }).report.blockedLayout).toBeUndefined();
  });

  it("a blocked norm whose input is read elsewhere too is centred, not shifted, and keeps the output", async () => {
    const blockSize = await nchwcBlockSize(ort);
    if (!blockSize) return;
    const spec = listStyles().find((s) => s.id === "hayao")!;
    const source = readFileSync(join(MODEL_DIR, spec.file));
    // The first norm's input (what the first ReduceMean reads) exposed as a second output: the
    // conv that makes it cannot be given a shifted bias.
    const decoded = decodeModel(source);
    const x = decoded.graph.nodes.find((n) => n.op === "ReduceMean")!.inputs[0];
    decoded.graph.outputs.push({ name: x, bytes: stringField(1, x) });
    const exposed = encodeModel(decoded);
    expect(optimizeModel(source, { blockSize }).report.shiftedNorms).toBe(13);
    const partlyShifted = optimizeModel(exposed, { blockSize });
    expect(partlyShifted.report.shiftedNorms).toBe(12);
    await expectSameOutputs(spec, source, [partlyShifted], (await inputs(spec)).filter((i) => /astronaut|white|dusk/.test(i.name)));
  });

  it("leaves a graph with nothing to rewrite alone", () => {
    const { report } = optimizeModel(unaryModel("Neg", "x", "y", [1, 4, 4, 3]));
    expect(Object.values(report).every((n) => n === 0)).toBe(true);
  });

  describe("stylize() on the optimised graph vs optimize: false (8-bit output)", () => {
    const saved = { ...env };
    const cacheDir = mkdtempSync(join(tmpdir(), "anime2d-opt-"));
    Object.assign(env, { cacheDir, useCache: true });
    const fast = createStylizer({ modelDir: MODEL_DIR, threads: 2 });
    const plain = createStylizer({ modelDir: MODEL_DIR, threads: 2, optimize: false });
    afterAll(async () => {
      await fast.dispose();
      await plain.dispose();
      Object.assign(env, saved);
      rmSync(cacheDir, { recursive: true, force: true });
    });
    for (const spec of listStyles()) {
      it(spec.id, async () => {
        const { data, info } = await sharp(photo("city_portrait.jpg")).resize(256, 200, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const image = { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 as const };
        const options = { style: spec.id, face: "off" as const };
        const a = await fast.stylize(image, options);
        const b = await plain.stylize(image, options);
        expect(meanAbsDiff(a.data, b.data)).toBeLessThanOrEqual(1);
      });
    }
  });
});
