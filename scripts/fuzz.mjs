#!/usr/bin/env node
// npm run fuzz [-- --seed N --count N --from N --timeout MS --max-rss MB]
// Mutates the shared photos (bit flips, chunk duplication/deletion, truncation, header edits)
// in every accepted format and runs decode + the `cute` style on each case, with a time and
// memory bound per case. Any untyped error, unexpected code, hang, memory blow-up or crash is a
// finding, printed with the seed and case index that replay it (`--seed S --from I --count 1`).
// Needs the build (npm run build) and the models (ANIME2D_MODEL_DIR).
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz-run.mjs";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    count: { type: "string", default: "3000" },
    from: { type: "string", default: "0" },
    timeout: { type: "string", default: "30000" },
    "max-rss": { type: "string", default: "1500" },
  },
});
const seed = values.seed === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(values.seed);
const count = Number(values.count);
process.env.ANIME2D_OFFLINE ??= "1";
console.log(`fuzz: seed ${seed}, cases ${values.from}..${Number(values.from) + count - 1}`);

let seen = 0;
const started = performance.now();
const report = await runFuzz({
  seed,
  count,
  from: Number(values.from),
  caseTimeoutMs: Number(values.timeout),
  maxRssMb: Number(values["max-rss"]),
  onCase: (e) => {
    if (++seen % 100 === 0) console.log(`  ${seen}/${count} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
});
console.log(`outcomes: ${JSON.stringify(report.outcomes)}`);
for (const f of report.findings) console.log(`FINDING seed ${f.seed} case ${f.index}: ${f.what}: ${f.problem ?? f.kind}`);
if (report.findings.length) {
  console.log(`${report.findings.length} finding(s); replay one with: npm run fuzz -- --seed ${seed} --from <case> --count 1`);
  process.exitCode = 1;
} else console.log(`no findings in ${count} cases (seed ${seed}, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
