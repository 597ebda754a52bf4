// Worker mode in real Chromium: the page keeps painting during a 1024² stylization, progress
// keeps arriving, results match the main thread's, and aborts reach the worker mid-inference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planTiles } from "@anime2d/core";
import { openHarness, type HarnessSession } from "./session.js";

let s: HarnessSession;
beforeAll(async () => {
  s = await openHarness();
}, 180_000);
afterAll(async () => s?.close());

describe("createStylizer({ worker: true })", () => {
  // Measured against the same page's own baselines, so a loaded machine moves both sides: the
  // idle page's frame rate, and the longest frame gap while the main thread runs the same
  // stylization (which blocks painting for the whole inference).
  it("keeps the page painting while a 1024² photo is stylized in the worker, unlike on the main thread", { timeout: 300_000 }, async () => {
    const r = await s.page.evaluate(async () => {
      const big = await createImageBitmap(await (await fetch("/photos/astronaut.png")).blob(), { resizeWidth: 1024, resizeHeight: 1024, resizeQuality: "high" });
      const canvas = new OffscreenCanvas(1024, 1024);
      canvas.getContext("2d")!.drawImage(big, 0, 0);
      const input = await canvas.convertToBlob({ type: "image/png" });
      const small = new OffscreenCanvas(64, 64);
      small.getContext("2d")!.drawImage(big, 0, 0, 64, 64);
      const frameGaps = async (work: () => Promise<unknown>) => {
        const frames: number[] = [];
        let painting = true;
        const tick = (t: number) => (frames.push(t), painting && requestAnimationFrame(tick));
        requestAnimationFrame(tick);
        const t0 = performance.now();
        const out = await work();
        const end = performance.now();
        const ms = end - t0;
        painting = false;
        // A blocked thread paints no frame until the work ends: that last stretch is a gap too.
        const gaps = [...frames.slice(1).map((t, i) => t - frames[i]), end - (frames.at(-1) ?? t0)];
        return { out, ms, frames: frames.length, longestGap: Math.max(...gaps) };
      };
      const idle = await frameGaps(() => new Promise((done) => setTimeout(done, 1000)));
      const run = async (stylizer: ReturnType<typeof anime2d.createStylizer>) => {
        const events: string[] = [];
        const { out, ...timing } = await frameGaps(() => stylizer.stylize(input, { style: "hayao", onProgress: (e) => events.push(e.stage) }));
        const image = out as Awaited<ReturnType<typeof stylizer.stylize>>;
        return { ...timing, events, size: [image.width, image.height], isWebImage: image instanceof anime2d.WebAnimeImage };
      };
      // Compiling ONNX Runtime's wasm and opening the model are one-off costs: warm both up.
      const worker = anime2d.createStylizer({ worker: true });
      const local = anime2d.createStylizer();
      await worker.stylize(small, { style: "hayao" });
      await local.stylize(small, { style: "hayao" });
      const inWorker = await run(worker);
      const main = await run(local);
      await Promise.all([worker.dispose(), local.dispose()]);
      return { idle, worker: inWorker, main };
    });
    const rate = (run: { frames: number; ms: number }) => (1000 * run.frames) / run.ms;
    for (const [name, run] of Object.entries(r)) console.log(`${name}: ${run.ms.toFixed(0)} ms, ${rate(run).toFixed(1)} frames/s, longest rAF gap ${run.longestGap.toFixed(1)} ms`);
    for (const run of [r.worker, r.main]) {
      expect(run.size).toEqual([1024, 1024]);
      expect(run.isWebImage).toBe(true);
      expect(run.events).toEqual(["decode", "inference", "inference", "done"]);
    }
    // On the main thread the page freezes for most of the run; this is what the worker avoids.
    expect(r.main.longestGap).toBeGreaterThan(r.main.ms / 2);
    // The page keeps at least half its idle frame rate, and no frame waits a tenth as long as
    // the main thread's freeze. (The first 1024² run in a worker pauses the page once, for
    // 100–300 ms, while ONNX Runtime's memory grows; the main thread's freeze lasts seconds.)
    expect(rate(r.worker)).toBeGreaterThan(rate(r.idle) / 2);
    expect(r.worker.longestGap).toBeLessThan(r.main.longestGap / 10);
  });

  it("returns the same pixels as the main thread", async () => {
    const r = await s.page.evaluate(async () => {
      const worker = anime2d.createStylizer({ worker: true, style: "cute" });
      const local = anime2d.createStylizer({ style: "cute" });
      const a = pixels(await worker.stylize("/photos/coffee.png")).data;
      const b = pixels(await local.stylize("/photos/coffee.png")).data;
      const bad = await worker.stylize("/photos/nope.png").then(() => "resolved", (e) => `${e.name}:${e.code}`);
      await Promise.all([worker.dispose(), local.dispose()]);
      return { same: a === b, bad };
    });
    expect(r).toEqual({ same: true, bad: "Anime2dError:INVALID_INPUT" });
  });

  it("stops a tiled run in the worker when aborted during inference", { timeout: 300_000 }, async () => {
    // model_face.jpg (1280×1920) is above the 1 MP budget: it runs in tiles of 256 px, and the
    // worker checks the signal between them.
    const total = planTiles({ width: 1280, height: 1920, size: 256, overlap: 32, multiple: 8 }).count;
    const r = await s.page.evaluate(async () => {
      const worker = anime2d.createStylizer({ worker: true, style: "hayao" });
      await worker.stylize("/photos/coffee.png"); // the model is open: the run starts at once
      const controller = new AbortController();
      const stages: string[] = [];
      const outcome = await worker
        .stylize("/photos/model_face.jpg", {
          signal: controller.signal,
          onProgress: (e) => {
            stages.push(e.stage);
            if (e.stage === "inference" && !controller.signal.aborted) controller.abort();
          },
        })
        .then(() => "resolved", (e) => e.code);
      // The worker is still usable after the abort.
      const after = await worker.stylize("/photos/coffee.png", { style: "cute" }).then((out) => `${out.width}x${out.height}`, (e) => e.code);
      await worker.dispose();
      return { outcome, stages, after };
    });
    console.log(`aborted after: ${r.stages.join(", ")} (of ${total} tiles)`);
    expect(r.outcome).toBe("ABORTED");
    expect(r.stages.slice(0, 2)).toEqual(["decode", "inference"]);
    // At most the tile running when the abort arrived (and one more if the message crossed it).
    expect(total).toBeGreaterThan(20);
    expect(r.stages.filter((stage) => stage === "tile").length).toBeLessThanOrEqual(2);
    expect(r.stages).not.toContain("done");
    expect(r.after).toBe("600x400");
  });
});
