import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { ModelSpec, RawImage } from "@anime2d/core";
import { MODEL_DIR } from "../fixtures/paths.js";

// One open reference session at a time: the tests run every model on ~1 MP photos.
let current: { file: string; session: Promise<ort.InferenceSession> } | undefined;

/**
 * The test's own, independent implementation of "run this generator on this image":
 * reflect-pad right/bottom to the multiple, map to the model's range and channel order,
 * run with onnxruntime-node, crop, map back with round-and-clamp.
 */
export async function referenceStylize(spec: ModelSpec, image: RawImage): Promise<Uint8Array> {
  if (current?.file !== spec.file) {
    await (await current?.session)?.release();
    current = { file: spec.file, session: ort.InferenceSession.create(readFileSync(join(MODEL_DIR, spec.file))) };
  }
  const session = current.session;
  const { width: w, height: h, data } = image;
  const m = spec.multipleOf;
  const pw = Math.ceil(w / m) * m;
  const ph = Math.ceil(h / m) * m;
  const mirror = (i: number, n: number) => (i < n ? i : 2 * (n - 1) - i);
  const [lo, hi] = spec.input.range;
  const bgr = spec.input.channelOrder === "BGR";
  const input = new Float32Array(pw * ph * 3);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++)
      for (let c = 0; c < 3; c++) {
        const src = (mirror(y, h) * w + mirror(x, w)) * 3 + (bgr ? 2 - c : c);
        input[(y * pw + x) * 3 + c] = (data[src] / 255) * (hi - lo) + lo;
      }
  const result = await (await session).run({ [spec.input.name]: new ort.Tensor("float32", input, [1, ph, pw, 3]) });
  const out = result[spec.output.name].data as Float32Array;
  const pixels = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const v = ((out[(y * pw + x) * 3 + (bgr ? 2 - c : c)] - lo) / (hi - lo)) * 255;
        pixels[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return pixels;
}
