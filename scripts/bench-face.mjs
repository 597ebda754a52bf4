// Face-mode benchmark (issue 3): landmark stability through stylization, and the cost of
// detectFaces and face: "auto" against "off" at 1200×800. Run after `npx tsup`:
//   ANIME2D_MODEL_DIR=../shared/models node scripts/bench-face.mjs [--styles hayao,cute] [--quick]
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { createStylizer, detectFaces } from "../dist/node/index.js";

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const quick = args.includes("--quick");
const skipStructure = args.includes("--skip-structure");
const skipTiming = args.includes("--skip-timing");
// Optional cap on the portraits' long side for the structure table (saves memory; 0 = full size).
const maxSide = Number(arg("--max-side") ?? 0);
// hayao-v2 is left out by default: without tiling, a 1920 px portrait needs ~15 GB in it.
const styles = (arg("--styles") ?? "hayao,shinkai,cute,cartoongan-paprika,cartoongan-shinkai,whitebox").split(",");
const portraits = ["astronaut.png", "model_face.jpg", "city_portrait.jpg", "woman_portrait.jpg", "laos.jpg"];
const photo = (name) => fileURLToPath(new URL(`../../shared/photos/${name}`, import.meta.url));
async function portrait(name) {
  if (!maxSide) return photo(name);
  return sharp(photo(name)).resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true }).png().toBuffer();
}
const threads = Number(arg("--threads") ?? 2);
// One stylizer per style, disposed after it: each ONNX Runtime session keeps its peak arena.
async function withStylizer(fn) {
  const stylizer = createStylizer({ threads });
  try { return await fn(stylizer); } finally { await stylizer.dispose(); }
}

const eyeDistance = (l) => Math.hypot(l[1][0] - l[0][0], l[1][1] - l[0][1]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timeIt(fn, runs) {
  await fn(); // warm-up: sessions open, caches filled
  const times = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await fn(); times.push(performance.now() - t); }
  return median(times);
}

/** Largest landmark displacement (in % of the input's eye distance) of each input face, matched by nose. */
function landmarkShift(before, after) {
  return before.map((f) => {
    const nose = f.landmarks[2];
    const match = after.reduce((best, g) => (!best || Math.hypot(g.landmarks[2][0] - nose[0], g.landmarks[2][1] - nose[1]) < Math.hypot(best.landmarks[2][0] - nose[0], best.landmarks[2][1] - nose[1]) ? g : best), undefined);
    if (!match) return Infinity;
    const worst = Math.max(...f.landmarks.map((p, k) => Math.hypot(p[0] - match.landmarks[k][0], p[1] - match.landmarks[k][1])));
    return (100 * worst) / eyeDistance(f.landmarks);
  });
}

console.log(`# anime2d face-mode bench (${threads} threads)\n`);
if (!skipStructure) {
console.log(`## Face structure kept${maxSide ? ` (portraits shrunk to ≤ ${maxSide} px)` : ""}: largest landmark shift on the stylized output, % of the input's eye distance\n`);
console.log("| photo | style | face: \"auto\" | face: \"off\" |");
console.log("|---|---|---|---|");
const within = { auto: [0, 0], off: [0, 0] };
const inputs = new Map();
for (const name of (arg("--photos")?.split(",") ?? (quick ? portraits.slice(0, 2) : portraits))) {
  const source = await portrait(name);
  const faces = await detectFaces(source);
  inputs.set(name, { source, faces });
  // The detector's own noise floor: the same photo re-encoded as JPEG (quality 90).
  const reencoded = await sharp(source).jpeg({ quality: 90 }).toBuffer();
  const floor = landmarkShift(faces, await detectFaces(reencoded)).map((s) => s.toFixed(1) + "%").join(", ");
  console.log(`| ${name} | (none: JPEG q90 re-encode) | ${floor} | ${floor} |`);
}
for (const style of styles) {
  await withStylizer(async (stylizer) => {
    for (const [name, { source, faces: input }] of inputs) {
      const cells = [];
      for (const face of ["auto", "off"]) {
        const out = await stylizer.stylize(source, { style, face });
        const shifts = landmarkShift(input, await detectFaces(out));
        for (const s of shifts) { within[face][1]++; if (s <= 5) within[face][0]++; }
        cells.push(shifts.map((s) => (Number.isFinite(s) ? s.toFixed(1) + "%" : "lost")).join(", "));
      }
      console.log(`| ${name} | ${style} | ${cells[0]} | ${cells[1]} |`);
    }
  });
}
console.log(`\nWithin 5%: auto ${within.auto[0]}/${within.auto[1]} faces, off ${within.off[0]}/${within.off[1]} faces.\n`);
}

if (!skipTiming) {
console.log("## Time at 1200×800 (city_portrait.jpg resized; median of runs after a warm-up)\n");
const { data, info } = await sharp(photo("city_portrait.jpg")).resize(1200, 800, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
const runs = quick ? 2 : 5;
const detectMs = await timeIt(() => detectFaces(image), runs);
const detectRawMs = await timeIt(() => detectFaces(image, { refine: false }), runs);
console.log(`detectFaces: ${detectMs.toFixed(0)} ms (without landmark refinement: ${detectRawMs.toFixed(0)} ms)\n`);
console.log("| style | face: \"off\" | face: \"auto\" | auto / off | auto, background \"keep\" |");
console.log("|---|---|---|---|---|");
for (const style of ["hayao", "cute"]) {
  await withStylizer(async (stylizer) => {
    const n = quick ? 1 : 3;
    const off = await timeIt(() => stylizer.stylize(image, { style, face: "off" }), n);
    const auto = await timeIt(() => stylizer.stylize(image, { style, face: "auto" }), n);
    const keep = await timeIt(() => stylizer.stylize(image, { style, face: "auto", background: "keep" }), n);
    console.log(`| ${style} | ${off.toFixed(0)} ms | ${auto.toFixed(0)} ms | ${(auto / off).toFixed(2)}× | ${keep.toFixed(0)} ms |`);
  });
}
}
