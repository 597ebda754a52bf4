// One fuzzing process: builds the seed corpus (the shared photos, small, in every accepted
// format), then for each case index mutates one seed and runs decode + the `cute` style on it,
// printing one JSON line when a case starts and one when it ends. The parent (fuzz-run.mjs)
// enforces time and memory per case and restarts a worker after a failure.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { caseRandom, mutate } from "./fuzz-mutate.mjs";

const [seed, from, to] = process.argv.slice(2).map(Number);
const photos = process.env.ANIME2D_FUZZ_PHOTOS;
const anime2d = await import(process.env.ANIME2D_FUZZ_DIST);

/**
 * The default limits (100 MP): a header edit that claims a huge image must be refused by what
 * the data can hold, not by a small pixel cap, or the case runs into the time/memory bound.
 */
const OPTIONS = { style: "cute", face: "off" };
/** Codes a mutated file may end in: anything else (or an untyped error) is a finding. */
const EXPECTED = new Set(["DECODE_FAILED", "UNSUPPORTED", "INPUT_TOO_LARGE"]);

const corpus = await buildCorpus();
const stylizer = anime2d.createStylizer({ threads: 1 });
for (let index = from; index < to; index++) {
  const rand = caseRandom(seed, index);
  const base = corpus[Math.floor(rand() * corpus.length)];
  const { bytes, applied } = mutate(base.bytes, rand);
  const what = `${base.name} ${applied.join("+")} (${bytes.length} bytes)`;
  console.log(JSON.stringify({ event: "start", index, what }));
  const started = performance.now();
  let outcome;
  try {
    const out = await stylizer.stylize(bytes, OPTIONS);
    outcome = { result: "ok", size: `${out.width}×${out.height}` };
  } catch (error) {
    const typed = error instanceof anime2d.Anime2dError;
    outcome = typed && EXPECTED.has(error.code) ? { result: error.code } : { result: "finding", error: `${typed ? error.code : "untyped"}: ${error.message}` };
  }
  console.log(JSON.stringify({ event: "end", index, what, ms: Math.round(performance.now() - started), ...outcome }));
}
await stylizer.dispose();

async function buildCorpus() {
  const names = readdirSync(photos).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const seeds = [];
  for (const name of names) {
    const base = sharp(join(photos, name)).resize(160, 160, { fit: "inside" });
    for (const [format, encode] of [
      ["jpeg", (s) => s.jpeg()],
      ["jpeg-progressive", (s) => s.jpeg({ progressive: true })],
      ["png", (s) => s.png()],
      ["webp", (s) => s.webp()],
      ["avif", (s) => s.avif({ effort: 0 })],
      ["tiff", (s) => s.tiff({ compression: "lzw" })],
      ["gif", (s) => s.gif()],
    ]) {
      seeds.push({ name: `${name}.${format}`, bytes: new Uint8Array(await encode(base.clone()).toBuffer()) });
    }
  }
  return seeds;
}
