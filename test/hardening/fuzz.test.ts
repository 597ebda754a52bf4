import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JS module shared with scripts/fuzz.mjs
import { runFuzz } from "../../scripts/fuzz-run.mjs";
// @ts-expect-error: plain JS module shared with scripts/fuzz.mjs
import { caseRandom, mutate } from "../../scripts/fuzz-mutate.mjs";

// A fixed seed in CI so a failure replays exactly (`npm run fuzz -- --seed 2012 --from <case> --count 1`);
// `npm run fuzz` draws a fresh seed and runs thousands.
const SEED = Number(process.env.ANIME2D_FUZZ_SEED ?? 2012);
const CASES = Number(process.env.ANIME2D_FUZZ_CASES ?? 400);

describe("seeded mutation fuzzing of decode + stylize", () => {
  it("mutations are reproducible from (seed, case)", () => {
    const base = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7) & 255);
    const a = mutate(base, caseRandom(SEED, 17));
    const b = mutate(base, caseRandom(SEED, 17));
    expect(a.applied).toEqual(b.applied);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(base))).toBe(false);
  });

  it(`${CASES} cases end in a result or an expected typed error, each in bounded time and memory`, async () => {
    const report = await runFuzz({ seed: SEED, count: CASES, caseTimeoutMs: 60_000, maxRssMb: 1500 });
    console.log(`fuzz seed ${SEED}: ${JSON.stringify(report.outcomes)}`);
    // Findings carry the seed and case index that replay them.
    expect(report.findings).toEqual([]);
    // The corpus must exercise both paths: some mutations still decode and stylize, most are refused.
    expect(report.outcomes.ok).toBeGreaterThan(CASES / 20);
    expect(report.outcomes.DECODE_FAILED).toBeGreaterThan(CASES / 4);
  }, 600_000);
});
