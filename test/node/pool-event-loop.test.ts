// The one-shot stylize() must leave the event loop free: a server using anime2d keeps
// answering while it stylizes. On the in-thread pipeline a 5 ms interval stalls for the whole
// inference (seconds); in a worker it keeps firing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { stylize } from "@anime2d/node";
import { photo } from "../fixtures/paths.js";

const dir = mkdtempSync(join(tmpdir(), "anime2d-loop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Longest gap between ticks of a 5 ms interval while `work` runs, up to its end. */
async function longestGap(work: () => Promise<unknown>): Promise<{ gap: number; ms: number }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  gap = Math.max(gap, performance.now() - last);
  return { gap, ms: performance.now() - start };
}

describe("one-shot stylize() off the event loop", () => {
  it("keeps a 5 ms interval firing while a 512² photo is stylized", async () => {
    const input = join(dir, "astronaut-512.png");
    await sharp(photo("astronaut.png")).resize(512, 512).png().toFile(input);
    // First call: starts the worker and opens the model; second: a warm stylization.
    for (const run of ["cold", "warm"]) {
      let size: number[] = [];
      const { gap, ms } = await longestGap(async () => {
        const out = await stylize(input, { style: "hayao" });
        size = [out.width, out.height];
      });
      console.log(`one-shot stylize 512² (${run}): ${ms.toFixed(0)} ms, longest event-loop gap ${gap.toFixed(1)} ms`);
      expect(size).toEqual([512, 512]);
      expect(gap).toBeLessThan(250);
    }
  });
});
