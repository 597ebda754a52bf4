// stylizeMany: many inputs through any stylizer, one bad file never stops the batch, one
// progress stream, ordered or as finished, and abortable.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStylizer, type BatchProgressEvent, type BatchResult, type ImageInput, type RawImage } from "@anime2d/node";
import { photo } from "../fixtures/paths.js";

const dir = mkdtempSync(join(tmpdir(), "anime2d-batch-"));
const NAMES = ["china.jpg", "rocket.jpg", "coffee.png", "laos.jpg", "city_portrait.jpg"];
const files: string[] = [];
beforeAll(async () => {
  for (const name of NAMES) {
    const file = join(dir, `small-${name.replace(/\.\w+$/, ".png")}`);
    await sharp(photo(name)).resize(96).png().toFile(file);
    files.push(file);
  }
  // A JPEG whose data ends early: a real file that fails to decode.
  writeFileSync(join(dir, "broken.jpg"), readFileSync(photo("china.jpg")).subarray(0, 3000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.each([
  ["worker pool (2 workers)", () => createStylizer({ workers: 2, threads: 1, style: "hayao" })],
  ["in-thread", () => createStylizer({ worker: false, style: "hayao" })],
])("stylizeMany on %s", (_name, make) => {
  const stylizer = make();
  afterAll(() => stylizer.dispose());

  it("yields every input in order, the bad one as an error, with one progress stream", async () => {
    const inputs = [files[0]!, join(dir, "broken.jpg"), files[1]!, files[2]!];
    const events: BatchProgressEvent[] = [];
    const results = await collect(stylizer.stylizeMany(inputs, { concurrency: 2, onProgress: (e) => events.push(e) }));
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(results.map((r) => r.input)).toEqual(inputs);
    expect(results[1]!.error?.code).toBe("DECODE_FAILED");
    for (const r of [results[0]!, results[2]!, results[3]!]) expect(r.result?.width).toBe(96);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: 4, total: 4, failed: 1, etaMs: 0, stage: "done" });
    expect(events.filter((e) => e.stage === "done").map((e) => e.done)).toEqual([1, 2, 3, 4]);
    expect(events.some((e) => e.stage === "inference")).toBe(true);
    expect(events.filter((e) => e.stage === "done" && e.done < 4).every((e) => (e.etaMs ?? -1) > 0)).toBe(true);
  });

  it("takes async iterables and yields as finished with ordered: false", async () => {
    async function* inputs(): AsyncGenerator<ImageInput> {
      for (const file of files) yield file;
    }
    const totals: (number | undefined)[] = [];
    const results = await collect(stylizer.stylizeMany(inputs(), { ordered: false, concurrency: 2, onProgress: (e) => totals.push(e.total) }));
    expect(results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.every((r) => r.result)).toBe(true);
    expect(totals[0]).toBeUndefined();
    expect(totals.at(-1)).toBe(5);
  });

  it("ends with ABORTED when its signal fires, and leaving the loop early stops the rest", async () => {
    const controller = new AbortController();
    const seen: BatchResult[] = [];
    const error = await (async () => {
      for await (const item of stylizer.stylizeMany(files, { signal: controller.signal, concurrency: 1 })) {
        seen.push(item);
        controller.abort();
      }
    })().then(() => undefined, (e) => e);
    expect(error?.code).toBe("ABORTED");
    expect(seen.length).toBeLessThan(files.length);

    let taken = 0;
    for await (const item of stylizer.stylizeMany(files, { concurrency: 2 })) {
      expect(item.result).toBeDefined();
      if (++taken === 2) break;
    }
    // The stylizer is still serving after a batch was left early.
    const raw: RawImage = { data: new Uint8ClampedArray(32 * 32 * 3).fill(90), width: 32, height: 32, channels: 3 };
    expect((await stylizer.stylize(raw)).width).toBe(32);
  });
});
