// Worker mode in real Chromium: the page keeps painting during a 1024² stylization, progress
// keeps arriving, results match the main thread's, and aborts reach the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHarness, type HarnessSession } from "./session.js";

let s: HarnessSession;
beforeAll(async () => {
  s = await openHarness();
}, 180_000);
afterAll(async () => s?.close());

describe("createStylizer({ worker: true })", () => {
  // One retry: this is a timing measurement, and on a shared machine another process's memory
  // pressure once froze the whole browser for seconds (the page's own code does nothing then).
  it("keeps requestAnimationFrame firing while 1024² photos are stylized (longest gap ≤ 100 ms)", { retry: 1 }, async () => {
    const r = await s.page.evaluate(async () => {
      const big = await createImageBitmap(await (await fetch("/photos/astronaut.png")).blob(), { resizeWidth: 1024, resizeHeight: 1024, resizeQuality: "high" });
      const canvas = new OffscreenCanvas(1024, 1024);
      canvas.getContext("2d")!.drawImage(big, 0, 0);
      const input = await canvas.convertToBlob({ type: "image/png" });
      const stylizer = anime2d.createStylizer({ worker: true });
      // Warm up on a small image: compiling ONNX Runtime's wasm and opening the model are
      // one-off costs; this measures a stylization.
      const small = new OffscreenCanvas(64, 64);
      small.getContext("2d")!.drawImage(big, 0, 0, 64, 64);
      await stylizer.stylize(small, { style: "hayao" });
      const measure = async () => {
        const frames: number[] = [];
        let painting = true;
        const tick = (t: number) => (frames.push(t), painting && requestAnimationFrame(tick));
        requestAnimationFrame(tick);
        const events: string[] = [];
        const t0 = performance.now();
        const out = await stylizer.stylize(input, { style: "hayao", onProgress: (e) => events.push(e.stage) });
        const ms = performance.now() - t0;
        painting = false;
        const gaps = frames.slice(1).map((t, i) => t - frames[i]);
        const slow = gaps.map((g, i) => [g, frames[i] - t0]).filter(([g]) => g > 50).map(([g, at]) => `${g.toFixed(0)}ms@${at.toFixed(0)}`);
        return { size: [out.width, out.height], ms, frames: frames.length, longestGap: Math.max(...gaps), events, slow, isWebImage: out instanceof anime2d.WebAnimeImage };
      };
      const first = await measure();
      const second = await measure();
      await stylizer.dispose();
      return { first, second };
    });
    for (const [name, run] of Object.entries(r)) console.log(`worker 1024² ${name} run: ${run.ms.toFixed(0)} ms, ${run.frames} frames, longest rAF gap ${run.longestGap.toFixed(1)} ms`, run.slow);
    for (const run of [r.first, r.second]) {
      expect(run.size).toEqual([1024, 1024]);
      expect(run.isWebImage).toBe(true);
      expect(run.events).toEqual(["decode", "inference", "inference", "done"]);
      expect(run.frames).toBeGreaterThan(run.ms / 100);
    }
    // The bar, once ONNX Runtime's memory has grown to fit a 1024² image (any photo
    // after the first of that size). The first such run stalls the page briefly while the
    // worker's memory grows (about 130 ms on a loaded 2-core machine); inference on the main
    // thread would stall it for the whole run.
    expect(r.second.longestGap).toBeLessThanOrEqual(100);
    expect(r.first.longestGap).toBeLessThanOrEqual(300);
  });

  it("returns the same pixels as the main thread and forwards aborts", async () => {
    const r = await s.page.evaluate(async () => {
      const worker = anime2d.createStylizer({ worker: true, style: "cute" });
      const local = anime2d.createStylizer({ style: "cute" });
      const a = pixels(await worker.stylize("/photos/coffee.png")).data;
      const b = pixels(await local.stylize("/photos/coffee.png")).data;
      const controller = new AbortController();
      const aborted = worker
        .stylize("/photos/rocket.jpg", { style: "hayao", signal: controller.signal, onProgress: (e) => e.stage === "inference" || controller.abort() })
        .then(() => "resolved", (e) => e.code);
      const bad = await worker.stylize("/photos/nope.png").then(() => "resolved", (e) => `${e.name}:${e.code}`);
      const result = { same: a === b, aborted: await aborted, bad };
      await Promise.all([worker.dispose(), local.dispose()]);
      return result;
    });
    expect(r).toEqual({ same: true, aborted: "ABORTED", bad: "Anime2dError:INVALID_INPUT" });
  });
});
