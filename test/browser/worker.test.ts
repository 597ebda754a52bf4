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
  it("keeps requestAnimationFrame firing while a 1024² photo is stylized (longest gap ≤ 100 ms)", async () => {
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
      const frames: number[] = [];
      let painting = true;
      const tick = (t: number) => (frames.push(t), painting && requestAnimationFrame(tick));
      requestAnimationFrame(tick);
      const events: string[] = [];
      const stamps: string[] = [];
      const t0 = performance.now();
      const out = await stylizer.stylize(input, { style: "hayao", onProgress: (e) => (events.push(e.stage), stamps.push(`${e.stage}@${(performance.now() - t0).toFixed(0)}`)) });
      const ms = performance.now() - t0;
      painting = false;
      await stylizer.dispose();
      const gaps = frames.slice(1).map((t, i) => t - frames[i]);
      const slow = gaps.map((g, i) => [g, frames[i] - t0]).filter(([g]) => g > 50).map(([g, at]) => `${g.toFixed(0)}ms@${at.toFixed(0)}`);

      return { size: [out.width, out.height], ms, frames: frames.length, longestGap: Math.max(...gaps), events, slow, stamps: stamps.filter((x) => !x.startsWith("download")), isWebImage: out instanceof anime2d.WebAnimeImage };
    });
    console.log(`worker 1024²: ${r.ms.toFixed(0)} ms, ${r.frames} frames, longest rAF gap ${r.longestGap.toFixed(1)} ms`, r.slow, r.stamps);
    expect(r.size).toEqual([1024, 1024]);
    expect(r.isWebImage).toBe(true);
    expect(r.events).toEqual(["decode", "inference", "inference", "done"]);
    expect(r.frames).toBeGreaterThan(r.ms / 100);
    expect(r.longestGap).toBeLessThanOrEqual(100);
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
