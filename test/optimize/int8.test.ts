import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { Anime2dError, OPTIMIZER_VERSION, env, getModel, int8Styles, listStyles, nchwcBlockSize, optimizeModel, optimizedCacheFile, type Int8Params } from "@anime2d/core";
import { createStylizer } from "@anime2d/node";
import { MODEL_DIR, photo } from "../fixtures/paths.js";

// precision "int8": static QDQ on the optimised graph. Offered only where the INT8 output stays
// ≥ 40 dB PSNR against fp32 (the optimised graph) on every shared photo and on flat
// white/grey/dark images; refused with INVALID_OPTION elsewhere; cached apart from fp32.

const SESSION = { graphOptimizationLevel: "all", intraOpNumThreads: 2, interOpNumThreads: 1 } as const;
const MIN_PSNR = 40;
const SIDE = 256;
const PHOTOS = readdirSync(dirname(photo("astronaut.png"))).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();

async function photoTensor(name: string): Promise<Float32Array> {
  const { data } = await sharp(photo(name)).resize(SIDE, SIDE, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 127.5 - 1);
}

/** PSNR on the [-1, 1] scale (peak-to-peak 2), the same as 8-bit PSNR before rounding. */
function psnr(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] - b[i]) / 2) ** 2;
  return 10 * Math.log10(a.length / Math.max(sum, 1e-20));
}

const params = (file: string) => JSON.parse(readFileSync(join("models/int8", `${file}.json`), "utf8")) as Int8Params;

describe("precision int8", () => {
  it("is offered by the AnimeGANv3 Hayao and Shinkai styles only", () => {
    expect(int8Styles().sort()).toEqual(["hayao", "shinkai"]);
  });

  for (const id of int8Styles()) {
    it(`${id}: ≥ ${MIN_PSNR} dB vs fp32 on every shared photo and flat white/grey/dark`, async () => {
      const spec = getModel(id, "style");
      const calibration = params(spec.file);
      expect(calibration.optimizerVersion).toBe(OPTIMIZER_VERSION);
      const source = readFileSync(join(MODEL_DIR, spec.file));
      const int8 = optimizeModel(source, { int8: calibration });
      expect(int8.report.int8Convs).toBeGreaterThan(10);
      const fp32 = await ort.InferenceSession.create(optimizeModel(source).bytes, SESSION);
      const quantized = await ort.InferenceSession.create(int8.bytes, SESSION);
      const inputs: [string, Float32Array][] = [];
      for (const name of PHOTOS) inputs.push([name, await photoTensor(name)]);
      for (const [name, v] of [["white", 255], ["grey", 128], ["dark", 8]] as const) inputs.push([name, new Float32Array(SIDE * SIDE * 3).fill(v / 127.5 - 1)]);
      try {
        const measured: string[] = [];
        for (const [name, data] of inputs) {
          const feed = { [spec.input.name]: new ort.Tensor("float32", data, [1, SIDE, SIDE, 3]) };
          const a = (await fp32.run(feed))[spec.output.name].data as Float32Array;
          const b = (await quantized.run(feed))[spec.output.name].data as Float32Array;
          measured.push(`${name} ${psnr(a, b).toFixed(1)}`);
          expect(psnr(a, b), `${id} on ${name}`).toBeGreaterThanOrEqual(MIN_PSNR);
        }
        console.log(`${id} INT8 vs fp32 PSNR (dB): ${measured.join(", ")}`);
      } finally {
        await fp32.release();
        await quantized.release();
      }
    });
  }

  describe("through createStylizer()", () => {
    const saved = { ...env };
    const cacheDir = mkdtempSync(join(tmpdir(), "anime2d-int8-"));
    Object.assign(env, { cacheDir, useCache: true });
    const image = { data: new Uint8ClampedArray(64 * 48 * 3).fill(128), width: 64, height: 48, channels: 3 as const };
    afterAll(() => {
      Object.assign(env, saved);
      rmSync(cacheDir, { recursive: true, force: true });
    });

    it("refuses every other style with INVALID_OPTION naming the styles that offer it", async () => {
      const stylizer = createStylizer({ modelDir: MODEL_DIR, threads: 2, precision: "int8" });
      try {
        for (const spec of listStyles().filter((s) => !int8Styles().includes(s.id))) {
          const error = await stylizer.stylize(image, { style: spec.id, face: "off" }).catch((e: unknown) => e);
          expect(error, spec.id).toBeInstanceOf(Anime2dError);
          expect((error as Anime2dError).code).toBe("INVALID_OPTION");
          expect((error as Anime2dError).message).toContain("hayao, shinkai");
        }
      } finally {
        await stylizer.dispose();
      }
    });

    it("refuses an unknown precision and int8 without the optimiser", async () => {
      expect(() => createStylizer({ precision: "int4" as never })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      const plain = createStylizer({ modelDir: MODEL_DIR, optimize: false, precision: "int8" });
      await expect(plain.stylize(image, { style: "hayao", face: "off" })).rejects.toMatchObject({ code: "INVALID_OPTION" });
      await plain.dispose();
    });

    it("caches the INT8 graph under its own key, next to the fp32 one", async () => {
      const spec = getModel("hayao", "style");
      const fp32 = createStylizer({ modelDir: MODEL_DIR, threads: 2 });
      const int8 = createStylizer({ modelDir: MODEL_DIR, threads: 2, precision: "int8" });
      try {
        const a = await fp32.stylize(image, { style: "hayao", face: "off" });
        const b = await int8.stylize(image, { style: "hayao", face: "off" });
        expect(b.width).toBe(a.width);
        // fp32 is written in this machine's blocked layout where ONNX Runtime has one.
        const fp32Entry = join(cacheDir, optimizedCacheFile(spec.sha256!, "fp32", await nchwcBlockSize(ort)));
        const int8Entry = join(cacheDir, optimizedCacheFile(spec.sha256!, "int8"));
        expect(fp32Entry).not.toBe(int8Entry);
        expect(existsSync(fp32Entry) && existsSync(int8Entry)).toBe(true);
        const header = (file: string) => JSON.parse(readFileSync(file).toString("latin1").split("\n")[1]);
        expect(header(int8Entry).precision).toBe("int8");
        expect(header(fp32Entry).precision).toBe("fp32");
        // The INT8 graph holds QuantizeLinear nodes; the fp32 one none.
        expect(readFileSync(int8Entry).includes("QuantizeLinear")).toBe(true);
        expect(readFileSync(fp32Entry).includes("QuantizeLinear")).toBe(false);
      } finally {
        await fp32.dispose();
        await int8.dispose();
      }
    });
  });
});
