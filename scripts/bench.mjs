// Foundation benchmark: per style at 512² (astronaut.png), raw `session.run` time vs the whole
// `stylize()` from encoded file to encoded PNG, measured interleaved in the same process.
// Prints ratios, which survive a noisy shared machine better than absolute times.
//   npm run bench [-- --runs 7 --styles hayao,cute --threads 2]
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { createStylizer, env, listStyles } from "anime2d";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    styles: { type: "string" },
    threads: { type: "string" },
    photo: { type: "string", default: "../shared/photos/astronaut.png" },
  },
});
const runs = Number(values.runs);
const threads = values.threads ? Number(values.threads) : undefined;
const modelDir = env.modelDir ?? "../shared/models";
const styles = listStyles().filter((s) => !values.styles || values.styles.split(",").includes(s.id));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const { data, info } = await sharp(values.photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
if (info.width % 16 || info.height % 16) throw new Error("bench photo must be a multiple of 16 (no padding in the raw run)");

console.log(`anime2d bench: ${values.photo} (${info.width}×${info.height}), ${runs} runs each, median ms, threads ${threads ?? "default"}`);
console.log("style".padEnd(20), "session.run".padStart(12), "stylize→png".padStart(12), "ratio".padStart(7));
const stylizer = createStylizer({ threads, modelDir });
for (const style of styles) {
  const session = await ort.InferenceSession.create(await readFile(join(modelDir, style.file)), {
    graphOptimizationLevel: "all",
    executionProviders: ["cpu"],
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
  const [lo, hi] = style.input.range;
  const bgr = style.input.channelOrder === "BGR";
  const input = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 3)
    for (let c = 0; c < 3; c++) input[i + c] = (data[i + (bgr ? 2 - c : c)] / 255) * (hi - lo) + lo;
  const tensor = new ort.Tensor("float32", input, [1, info.height, info.width, 3]);
  const raw = () => session.run({ [style.input.name]: tensor });
  const whole = async () => (await stylizer.stylize(values.photo, { style: style.id, face: "off" })).toBuffer("png");

  await raw();
  await whole(); // warm-up: opens the pipeline's own session, verifies the sha256
  const rawTimes = [];
  const wholeTimes = [];
  for (let i = 0; i < runs; i++) {
    rawTimes.push(await time(raw));
    wholeTimes.push(await time(whole));
  }
  const r = median(rawTimes);
  const w = median(wholeTimes);
  console.log(style.id.padEnd(20), r.toFixed(1).padStart(12), w.toFixed(1).padStart(12), (w / r).toFixed(3).padStart(7));
  await session.release();
}
await stylizer.dispose();
