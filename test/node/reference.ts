import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { ModelSpec, RawImage } from "@anime2d/core";
import { MODEL_DIR } from "../fixtures/paths.js";

/**
 * What MODELS.md states for each generator, pinned here rather than read from the registry, so
 * that a wrong registry entry (range, channel order, multiple, tensor names) fails the test:
 * every generator takes and returns NHWC float32 in [-1, 1]; whitebox is the BGR one.
 */
const MODELS_MD: Record<string, { multiple: number; input: string; output: string; bgr?: true }> = {
  "animeganv3-hayao.onnx": { multiple: 8, input: "AnimeGANv3_input", output: "generator_1/main/out_layer" },
  "animeganv3-shinkai.onnx": { multiple: 8, input: "AnimeGANv3_input", output: "generator_1/main/out_layer" },
  "animeganv3-tiny-cute.onnx": { multiple: 16, input: "AnimeGANv3_input:0", output: "generator/main/out_layer:0" },
  "animeganv2-hayao.onnx": { multiple: 4, input: "test", output: "generator/G_MODEL/out_layer/Tanh" },
  "cartoongan-light-paprika.onnx": { multiple: 4, input: "input", output: "output" },
  "cartoongan-light-shinkai.onnx": { multiple: 4, input: "input", output: "output" },
  "whitebox-cartoon.onnx": { multiple: 4, input: "input_photo", output: "final_output", bgr: true },
};
const [lo, hi] = [-1, 1];

// One open reference session at a time: the tests run every model on ~1 MP photos.
let current: { file: string; session: Promise<ort.InferenceSession> } | undefined;

/**
 * The test's own, independent implementation of "run this generator on this image":
 * reflect-pad right/bottom to the multiple, map to the model's range and channel order (as
 * MODELS.md states them), run with onnxruntime-node, crop, map back with round-and-clamp.
 */
export async function referenceStylize(spec: ModelSpec, image: RawImage): Promise<Uint8Array> {
  const facts = MODELS_MD[spec.file];
  if (!facts) throw new Error(`${spec.file} is not a generator of MODELS.md`);
  if (current?.file !== spec.file) {
    await (await current?.session)?.release();
    current = { file: spec.file, session: ort.InferenceSession.create(readFileSync(join(MODEL_DIR, spec.file))) };
  }
  const session = current.session;
  const { width: w, height: h, data } = image;
  const m = facts.multiple;
  const pw = Math.ceil(w / m) * m;
  const ph = Math.ceil(h / m) * m;
  const mirror = (i: number, n: number) => (i < n ? i : 2 * (n - 1) - i);
  const bgr = facts.bgr === true;
  const input = new Float32Array(pw * ph * 3);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++)
      for (let c = 0; c < 3; c++) {
        const src = (mirror(y, h) * w + mirror(x, w)) * 3 + (bgr ? 2 - c : c);
        input[(y * pw + x) * 3 + c] = (data[src] / 255) * (hi - lo) + lo;
      }
  const result = await (await session).run({ [facts.input]: new ort.Tensor("float32", input, [1, ph, pw, 3]) });
  const out = result[facts.output].data as Float32Array;
  const pixels = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const v = ((out[(y * pw + x) * 3 + (bgr ? 2 - c : c)] - lo) / (hi - lo)) * 255;
        pixels[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return pixels;
}
