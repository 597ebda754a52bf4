import { describe, expect, it } from "vitest";
import { photo } from "../fixtures/paths.js";
import { MMAP_THRESHOLD_TUNABLE } from "../../packages/node/src/cli/allocator.js";
import { DIST, lastJson, runScript } from "./child.js";

// Memory is measured in a child process of its own (with --expose-gc), so other tests'
// allocations and vitest's own do not blur it. RSS is in MB; `js` is what JavaScript holds in
// ArrayBuffers (pixel buffers, tensors), which tells held buffers from allocator caching.
const prelude = `
import sharp from "sharp";
const a = await import(${JSON.stringify(DIST)});
const mb = (n) => Math.round(n / 2 ** 20);
const sample = async () => { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); const m = process.memoryUsage(); return { rss: mb(m.rss), js: mb(m.arrayBuffers) }; };
const load = async (w, h) => {
  const { data, info } = await sharp(${JSON.stringify(photo("laos.jpg"))}).resize(w, h, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
};
`;

describe("no leaks", () => {
  it("100 consecutive calls on one stylizer keep RSS flat after warm-up (≤ 50 MB growth)", async () => {
    const result = await runScript(
      `${prelude}
      const image = await load(256, 256);
      // On this thread, where gc() reaches every heap involved (a worker's heap is collected on its own schedule).
      const stylizer = a.createStylizer({ style: "cute", face: "off", threads: 1, worker: false });
      for (let i = 0; i < 10; i++) await stylizer.stylize(image);
      const warm = await sample();
      for (let i = 0; i < 100; i++) await (await stylizer.stylize(image)).toBuffer("png");
      const after = await sample();
      await stylizer.dispose();
      console.log(JSON.stringify({ warm, after }));`,
      { nodeArgs: ["--expose-gc"], timeoutMs: 300_000 },
    );
    const { warm, after } = lastJson<{ warm: { rss: number; js: number }; after: { rss: number; js: number } }>(result);
    console.log(`100 calls: RSS ${warm.rss} → ${after.rss} MB, ArrayBuffers ${warm.js} → ${after.js} MB`);
    expect(after.rss - warm.rss).toBeLessThanOrEqual(50);
    expect(after.js - warm.js).toBeLessThanOrEqual(10);
  });

  // glibc's malloc, left to its dynamic mmap threshold, ratchets such a process up by
  // 400–500 MB while nothing is held (measured: 792 → 1185 MB in-thread, 553 → 1006 MB pooled);
  // with the threshold fixed it stays flat. `anime2d serve`/`worker` restart themselves with it
  // (packages/node/src/cli/allocator.ts), and docs/reliability.md tells embedding apps to set it.
  const env = { GLIBC_TUNABLES: MMAP_THRESHOLD_TUNABLE };
  const abortTenTimes = (worker: boolean) =>
    runScript(
      `${prelude}
      const image = await load(2000, 1500);
      const stylizer = a.createStylizer({ style: "hayao", threads: 2, worker: ${worker} });
      const rounds = [];
      for (let i = 0; i < 10; i++) {
        const controller = new AbortController();
        const run = stylizer.stylize(image, { signal: controller.signal, onProgress: (e) => e.stage === "tile" && e.done >= 2 && controller.abort() });
        const code = await run.then(() => "finished", (e) => e.code);
        if (code !== "ABORTED") throw new Error("expected ABORTED, got " + code);
        rounds.push(await sample());
      }
      await stylizer.dispose();
      console.log(JSON.stringify(rounds));`,
      { nodeArgs: ["--expose-gc"], timeoutMs: 400_000, env },
    ).then((result) => lastJson<{ rss: number; js: number }[]>(result));

  it("repeated aborts of tiled runs do not ratchet memory up (in-thread: nothing held, RSS flat)", async () => {
    const rounds = await abortTenTimes(false);
    console.log(`10 aborted tiled runs, in-thread: RSS ${rounds.map((r) => r.rss).join(", ")} MB; ArrayBuffers ${rounds.map((r) => r.js).join(", ")} MB`);
    // On this thread `js` counts every buffer the pipeline could be holding: none is kept.
    expect(Math.max(...rounds.map((r) => r.js)) - rounds[0].js).toBeLessThanOrEqual(32);
    expect(Math.max(...rounds.map((r) => r.rss)) - rounds[0].rss).toBeLessThanOrEqual(50);
  });

  it("repeated aborts of tiled runs on the worker pool keep RSS flat", async () => {
    const rounds = await abortTenTimes(true);
    console.log(`10 aborted tiled runs, pooled: RSS ${rounds.map((r) => r.rss).join(", ")} MB`);
    expect(Math.max(...rounds.map((r) => r.rss)) - rounds[0].rss).toBeLessThanOrEqual(50);
  });
});
