// Speed benchmark: per style × size, raw ONNX Runtime on the published file, raw ONNX Runtime
// on the optimised graph, and the whole `stylize()` (RawImage in, pixels out; then with the
// style's default colour step; then file to file), all measured interleaved in one process so
// that ratios survive a noisy shared machine (each ratio is the median of the rounds' own
// ratios). Achieved GFLOP/s is the published graph's conv work divided by the optimised run's
// time, shown against an sgemm peak measured in this run.
// The INT8 column is the raw INT8 (QDQ) graph and `stylize()` with `precision: "int8"`, for
// the styles that offer it.
// Prints one markdown table (docs/speed.md), then the optimised graph's op profile.
//   npm run bench [-- --styles hayao,cute --sizes 256,512 --runs 5 --threads 2 --no-profile]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { createStylizer, env, int8Styles, listStyles, nchwcBlockSize, optimizeModel } from "anime2d";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    styles: { type: "string" },
    sizes: { type: "string", default: "256,512,1024" },
    threads: { type: "string", default: "2" },
    photo: { type: "string", default: "../shared/photos/astronaut.png" },
    "no-profile": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const sizes = values.sizes.split(",").map(Number);
const modelDir = env.modelDir ?? "../shared/models";
const styles = listStyles().filter((s) => !values.styles || values.styles.split(",").includes(s.id));
const work = mkdtempSync(join(tmpdir(), "anime2d-bench-"));
env.cacheDir = join(work, "cache");

const sessionOptions = { graphOptimizationLevel: "all", executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const peak = await sgemmPeak();
// The fp32 graph stylize() runs: in ONNX Runtime's blocked layout where this machine has one.
const blockSize = await nchwcBlockSize(ort);
console.log(
  `anime2d speed bench: ${values.photo}, ${threads} threads, median of ${runs} interleaved runs; sgemm peak ${peak.toFixed(1)} GFLOP/s (1024² MatMul, ONNX Runtime, this run); ` +
    `optimised graph ${blockSize ? `in NCHWc${blockSize} layout` : "NCHW (no blocked kernels here)"}\n`,
);
console.log(
  "| style | size | raw original ms | raw optimised NCHW ms | raw optimised ms | optimised speed-up | INT8 (vs raw original) | stylize() ms | stylize() speed-up | + colour default ms | file→file ms | decode+encode ms | GFLOP/s | % of sgemm peak |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");

const stylizer = createStylizer({ threads, modelDir });
// The INT8 option through the whole pipeline, for the styles that offer it.
const int8Stylizer = createStylizer({ threads, modelDir, precision: "int8" });
const profiles = [];
for (const style of styles) {
  const source = readFileSync(join(modelDir, style.file));
  const nchw = optimizeModel(source).bytes;
  const optimized = blockSize ? optimizeModel(source, { blockSize }).bytes : nchw;
  const original = await ort.InferenceSession.create(source, sessionOptions);
  const plainFast = await ort.InferenceSession.create(nchw, sessionOptions);
  const fast = await ort.InferenceSession.create(optimized, sessionOptions);
  // The INT8 graph (static QDQ on the optimised graph), for the styles that offer it.
  const int8Params = int8Styles().includes(style.id) ? JSON.parse(readFileSync(join("models/int8", `${style.file}.json`), "utf8")) : undefined;
  const int8 = int8Params && (await ort.InferenceSession.create(optimizeModel(source, { int8: int8Params }).bytes, sessionOptions));
  const flopsPerPixel = (await convFlops(source, style, 256)) / (256 * 256);
  for (const size of sizes) {
    const { data } = await sharp(values.photo).resize(size, size, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const png = join(work, `in-${size}.png`);
    writeFileSync(png, await sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
    const image = { data: new Uint8ClampedArray(data), width: size, height: size, channels: 3 };
    const tensor = new ort.Tensor("float32", toInput(data, style), [1, size, size, 3]);
    const feed = { [style.input.name]: tensor };
    const modelColor = { style: style.id, face: "off", color: "model" };
    const steps = {
      original: () => original.run(feed),
      nchw: () => plainFast.run(feed),
      optimized: () => fast.run(feed),
      ...(int8 && { int8: () => int8.run(feed), stylizeInt8: () => int8Stylizer.stylize(image, modelColor) }),
      stylize: () => stylizer.stylize(image, modelColor),
      colour: () => stylizer.stylize(image, { style: style.id, face: "off" }),
      file: async () => writeFileSync(join(work, "out.png"), await (await stylizer.stylize(png, { style: style.id, face: "off" })).toBuffer("png")),
    };
    for (const step of Object.values(steps)) await step(); // warm-up (opens and caches the pipeline's session)
    const times = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) for (const [k, step] of Object.entries(steps)) times[k].push(await time(step));
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    // Speed-ups as the median of each round's own ratio: a round's steps ran back to back, so
    // a slow spell of the shared machine moves both sides of its ratio.
    const speedUp = (k) => median(times.original.map((t, i) => t / times[k][i]));
    const gflops = (flopsPerPixel * size * size) / 1e9 / (m.optimized / 1000);
    const row = [
      style.id,
      `${size}²`,
      m.original.toFixed(0),
      m.nchw.toFixed(0),
      m.optimized.toFixed(0),
      `${speedUp("optimized").toFixed(2)}×`,
      int8
        ? `raw ${m.int8.toFixed(0)} ms, ${speedUp("int8").toFixed(2)}×; stylize() ${m.stylizeInt8.toFixed(0)} ms, **${speedUp("stylizeInt8").toFixed(2)}×**`
        : "not offered",
      m.stylize.toFixed(0),
      `**${speedUp("stylize").toFixed(2)}×**`,
      (m.colour - m.stylize).toFixed(0),
      m.file.toFixed(0),
      (m.file - m.colour).toFixed(0),
      gflops.toFixed(1),
      `${((100 * gflops) / peak).toFixed(0)}%`,
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
  await original.release();
  await fast.release();
  await plainFast.release();
  await int8?.release();
  if (!values["no-profile"]) profiles.push([style.id, await opProfile(optimized, style, Math.min(512, Math.max(...sizes)))]);
}
await stylizer.dispose();
await int8Stylizer.dispose();

for (const [id, profile] of profiles) {
  console.log(`\nOp profile of the optimised ${id} graph (ONNX Runtime profiler, share of node time): ${profile}`);
}
rmSync(work, { recursive: true, force: true });

function toInput(data, style) {
  const [lo, hi] = style.input.range;
  const bgr = style.input.channelOrder === "BGR";
  const input = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) input[i + c] = (data[i + (bgr ? 2 - c : c)] / 255) * (hi - lo) + lo;
  return input;
}

/** Runs a session once with ONNX Runtime's profiler and returns the per-node events. */
async function profiled(bytes, style, size, level) {
  const prefix = join(work, `profile-${Math.random().toString(36).slice(2)}`);
  const session = await ort.InferenceSession.create(bytes, { ...sessionOptions, graphOptimizationLevel: level, enableProfiling: true, profileFilePrefix: prefix });
  const input = new ort.Tensor("float32", new Float32Array(size * size * 3).fill(0.1), [1, size, size, 3]);
  await session.run({ [style.input.name]: input });
  session.endProfiling();
  await session.release();
  const file = readdirSync(work).find((f) => join(work, f).startsWith(prefix));
  const events = JSON.parse(readFileSync(join(work, file), "utf8"));
  rmSync(join(work, file));
  return events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
}

/** The published graph's multiply-adds ×2 in its convolutions, from the profiler's shapes. */
async function convFlops(bytes, style, size) {
  let flops = 0;
  for (const e of await profiled(bytes, style, size, "basic")) {
    if (!/Conv/.test(e.args.op_name)) continue;
    const out = Object.values(e.args.output_type_shape[0])[0];
    const weight = Object.values(e.args.input_type_shape[1])[0];
    flops += 2 * out.reduce((a, b) => a * b, 1) * weight.slice(1).reduce((a, b) => a * b, 1);
  }
  return flops;
}

async function opProfile(bytes, style, size) {
  const byOp = new Map();
  let total = 0;
  for (const e of await profiled(bytes, style, size, "all")) {
    byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur);
    total += e.dur;
  }
  return [...byOp]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([op, dur]) => `${op} ${((100 * dur) / total).toFixed(1)}%`)
    .join(", ");
}

/** GFLOP/s of ONNX Runtime's own MatMul on 1024² floats: the ceiling a conv can approach. */
async function sgemmPeak() {
  const n = 1024;
  const session = await ort.InferenceSession.create(matMulModel(n), sessionOptions);
  const a = new ort.Tensor("float32", Float32Array.from({ length: n * n }, (_, i) => (i % 7) * 0.1), [n, n]);
  await session.run({ a });
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, await time(() => session.run({ a })));
  await session.release();
  return (2 * n ** 3) / 1e9 / (best / 1000);
}

/** A one-node ONNX model `y = a · w` (w a constant n×n matrix), hand-encoded. */
function matMulModel(n) {
  const varint = (v) => {
    const out = [];
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  };
  const bytes = (field, b) => [...varint(field * 8 + 2), ...varint(b.length), ...b];
  const str = (field, s) => bytes(field, [...Buffer.from(s)]);
  const int = (field, v) => [...varint(field * 8), ...varint(v)];
  const weights = new Uint8Array(Float32Array.from({ length: n * n }, (_, i) => ((i % 13) - 6) * 0.01).buffer);
  const tensor = [...int(1, n), ...int(1, n), ...int(2, 1), ...str(8, "w"), ...bytes(9, weights)];
  const dims = [...bytes(1, int(1, n)), ...bytes(1, int(1, n))];
  const valueInfo = (name) => [...str(1, name), ...bytes(2, bytes(1, [...int(1, 1), ...bytes(2, dims)]))];
  const node = [...str(1, "a"), ...str(1, "w"), ...str(2, "y"), ...str(4, "MatMul")];
  const graph = [...bytes(1, node), ...str(2, "g"), ...bytes(5, tensor), ...bytes(11, valueInfo("a")), ...bytes(12, valueInfo("y"))];
  return new Uint8Array([...int(1, 8), ...bytes(8, [...str(1, ""), ...int(2, 13)]), ...bytes(7, graph)]);
}
