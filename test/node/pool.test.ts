// The worker pool: the same bytes as the in-thread pipeline, a bounded queue, aborts of queued
// and running jobs, and a worker killed mid-job replaced while the pool keeps serving.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStylizer, isAnime2dError, listStyles, type RawImage, type Stylizer } from "@anime2d/node";
import { poolOf } from "../../packages/node/src/pool.js";
import { photo } from "../fixtures/paths.js";

/** A photo shrunk to a small RawImage: real content, quick runs. */
async function small(name: string, width: number): Promise<RawImage> {
  const { data, info } = await sharp(photo(name)).resize(width).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 3 };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => "resolved", (e) => (isAnime2dError(e) ? e.code : `untyped: ${e}`));

describe("worker pool results equal the in-thread pipeline byte for byte", () => {
  const pooled = createStylizer({ workers: 1, threads: 2 });
  const local = createStylizer({ worker: false, threads: 2 });
  let portrait: RawImage;
  beforeAll(async () => {
    portrait = await small("astronaut.png", 160);
  });
  afterAll(() => Promise.all([pooled.dispose(), local.dispose()]));

  it.each(listStyles().map((s) => s.id))("style %s", async (style) => {
    const [a, b] = [await pooled.stylize(portrait, { style }), await local.stylize(portrait, { style })];
    expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
  });

  it("face detection, face mode, tiling and upscaling too", async () => {
    const face = await small("woman_portrait.jpg", 320);
    expect(await pooled.detectFaces(face)).toEqual(await local.detectFaces(face));
    for (const options of [{ style: "cute", face: "auto" }, { style: "hayao", tile: { size: 128, overlap: 32 } }, { style: "cute", upscale: 2, upscaler: "waifu2x" }] as const) {
      const [a, b] = [await pooled.stylize(face, options), await local.stylize(face, options)];
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), JSON.stringify(options)).toBe(0);
    }
    const [a, b] = [await pooled.upscale(portrait), await local.upscale(portrait)];
    expect([a.width, Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))]).toEqual([320, 0]);
  });
});

describe("backpressure, cancellation and crashes", () => {
  let stylizer: Stylizer;
  let photoSmall: RawImage;
  beforeAll(async () => {
    stylizer = createStylizer({ workers: 1, threads: 2, maxQueue: 1, style: "hayao" });
    photoSmall = await small("china.jpg", 320);
    await stylizer.warmup({ styles: ["hayao"], sizes: [64] });
  });
  afterAll(() => stylizer?.dispose());

  it("refuses work beyond maxQueue with QUEUE_FULL, and serves what it accepted", async () => {
    const running = stylizer.stylize(photoSmall);
    const queued = stylizer.stylize(photoSmall);
    expect(await codeOf(stylizer.stylize(photoSmall))).toBe("QUEUE_FULL");
    expect(await codeOf(running)).toBe("resolved");
    expect(await codeOf(queued)).toBe("resolved");
  });

  it("removes an aborted queued job at once; stops a running one at the next stage", async () => {
    const running = new AbortController();
    const queued = new AbortController();
    const stages: string[] = [];
    const first = stylizer.stylize(photoSmall, { tile: { size: 96, overlap: 16 }, signal: running.signal, onProgress: (e) => stages.push(e.stage) });
    const second = stylizer.stylize(photoSmall, { signal: queued.signal });
    const t0 = performance.now();
    queued.abort();
    expect(await codeOf(second)).toBe("ABORTED");
    const queuedMs = performance.now() - t0;
    // Abort the running job once its tiles are under way.
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => (stages.includes("tile") || stages.includes("done")) && (clearInterval(wait), resolve()), 5);
    });
    running.abort();
    expect(await codeOf(first)).toBe("ABORTED");
    const tilesAtAbort = stages.filter((s) => s === "tile").length;
    // The worker stops and takes the next job: it reaches no later stage of the aborted one.
    const after = await stylizer.stylize(photoSmall);
    expect(after.width).toBe(320);
    expect(stages).not.toContain("done");
    expect(stages.filter((s) => s === "tile").length).toBeLessThanOrEqual(tilesAtAbort + 1);
    expect(queuedMs).toBeLessThan(1000);
  });

  it("fails the job of a worker that dies with WORKER_CRASHED and keeps serving", async () => {
    let tiling!: () => void;
    const started = new Promise<void>((resolve) => (tiling = resolve));
    const job = codeOf(stylizer.stylize(photoSmall, { tile: { size: 96, overlap: 16 }, onProgress: (e) => e.stage === "tile" && tiling() }));
    await started;
    const worker = poolOf(stylizer)!.busyWorker();
    expect(worker).toBeDefined();
    worker!.terminate();
    expect(await job).toBe("WORKER_CRASHED");
    const out = await stylizer.stylize(photoSmall);
    expect([out.width, out.height]).toEqual([photoSmall.width, photoSmall.height]);
  });

  it("reports options that cannot cross to a worker as INVALID_OPTION", async () => {
    expect(await codeOf(stylizer.stylize(photoSmall, { style: "hayao", extra: () => 1 } as never))).toBe("INVALID_OPTION");
    expect(await codeOf(stylizer.stylize(photoSmall, { style: "nope" }))).toBe("UNKNOWN_STYLE");
  });

  it("dispose() fails pending jobs with ABORTED and refuses new ones", async () => {
    const other = createStylizer({ workers: 1, threads: 1 });
    const pending = codeOf(other.stylize(photoSmall, { style: "hayao" }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.dispose();
    expect(await pending).toBe("ABORTED");
    expect(await codeOf(other.stylize(photoSmall))).toBe("ABORTED");
  });
});
