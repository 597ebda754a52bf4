// INT8 calibration, run once at build time: measures the range of every activation the INT8
// (QDQ) pass quantizes, on the shared photos and flat white/grey/dark images, and writes
// models/int8/<model file>.json (per-tensor uint8 scale and zero point; no weights — those are
// quantized from the fp32 file at load time). Re-run whenever OPTIMIZER_VERSION changes.
//   node scripts/calibrate-int8.mjs [--styles hayao,shinkai] [--size 256] [--models ../shared/models] [--photos ../shared/photos]
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { activationRange, listStyles, optimizeModel, OPTIMIZER_VERSION } from "anime2d";

const { values } = parseArgs({
  options: {
    styles: { type: "string", default: "hayao,shinkai" },
    size: { type: "string", default: "256" },
    models: { type: "string", default: "../shared/models" },
    photos: { type: "string", default: "../shared/photos" },
  },
});
const size = Number(values.size);

async function photoTensor(file) {
  const { data } = await sharp(file).resize(size, size, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 127.5 - 1);
}

// Flat images are calibrated too: normalisation makes their activations unlike any photo's.
const inputs = [
  ...(await Promise.all(readdirSync(values.photos).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().map((f) => photoTensor(join(values.photos, f))))),
  ...[255, 128, 8].map((v) => new Float32Array(size * size * 3).fill(v / 127.5 - 1)),
];

for (const id of values.styles.split(",")) {
  const spec = listStyles().find((s) => s.id === id);
  if (!spec) throw new Error(`Unknown style ${id}`);
  const { bytes, calibrationTensors } = optimizeModel(readFileSync(join(values.models, spec.file)), { exposeCalibrationTensors: true });
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all", intraOpNumThreads: 2 });
  const range = new Map(calibrationTensors.map((n) => [n, [Infinity, -Infinity]]));
  for (const data of inputs) {
    const out = await session.run({ [spec.input.name]: new ort.Tensor("float32", data, [1, size, size, 3]) });
    for (const [name, r] of range) {
      const d = out[name].data;
      for (let i = 0; i < d.length; i++) {
        if (d[i] < r[0]) r[0] = d[i];
        if (d[i] > r[1]) r[1] = d[i];
      }
    }
  }
  await session.release();
  const activations = Object.fromEntries([...range].map(([n, [lo, hi]]) => [n, activationRange(lo, hi)]));
  mkdirSync("models/int8", { recursive: true });
  writeFileSync(join("models/int8", `${spec.file}.json`), JSON.stringify({ optimizerVersion: OPTIMIZER_VERSION, calibratedOn: `shared photos + flat white/grey/dark, ${size}²`, activations }, null, 1) + "\n");
  console.log(`${spec.id}: ${range.size} activations → models/int8/${spec.file}.json`);
}
