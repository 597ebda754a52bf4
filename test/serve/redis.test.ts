import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { form, json, squarePhoto, waitFor } from "./helpers.js";
import { freePort, startChild, startCli, type Child } from "./processes.js";

/**
 * Distributed mode end to end: a private redis-server, one API process and two worker
 * processes (the built CLI). One worker is killed mid-job; every image must still complete
 * exactly once.
 */
describe("anime2d serve --redis with anime2d workers", () => {
  const children: Child[] = [];
  let api: string;
  let redisUrl: string;
  const workerArgs = () => ["worker", "--redis", redisUrl, "--queue-name", "test", "--workers", "1", "--threads", "1", "--lock-duration", "2000", "--stalled-interval", "1000"];

  beforeAll(async () => {
    const port = await freePort();
    const redis = startChild("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
    children.push(redis);
    await redis.waitFor(/Ready to accept connections/);
    redisUrl = `redis://127.0.0.1:${port}`;
    const server = startCli(["serve", "--redis", redisUrl, "--queue-name", "test", "--port", "0", "--no-ui"]);
    children.push(server);
    api = (await server.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  });

  afterAll(async () => {
    // Workers and API first (they hold Redis connections), Redis last.
    for (const child of children.reverse()) await child.kill();
  });

  it("reports not ready without workers, then ready", async () => {
    const before = await json(await fetch(`${api}/readyz`));
    expect(before.status).toBe(503);
    expect(before.body.reason).toMatch(/no anime2d worker/);
    const workers = [startCli(workerArgs()), startCli(workerArgs())];
    children.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor(/ready \(pid/)));
    const after = await json(await fetch(`${api}/readyz`));
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ ready: true, workers: 2 });
  });

  it("completes every item of a batch exactly once when a worker is killed mid-job", async () => {
    const [a, b] = children.slice(-2) as [Child, Child];
    const image = await squarePhoto(384);
    const count = 6;
    const created = await json(await fetch(`${api}/v1/jobs`, { method: "POST", body: form(Array.from({ length: count }, () => ({ bytes: image })), { style: "hayao" }) }));
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    // Kill worker A while it holds a job (SIGKILL: no cleanup, its lock just stops being renewed).
    const victim = (await a.waitFor(/active (\S+)/))[1]!;
    a.process.kill("SIGKILL");

    const job = await waitFor(async () => (await json(await fetch(`${api}/v1/jobs/${id}`))).body, (j) => j.status === "done", 180_000);
    expect(job).toMatchObject({ status: "done", total: count, done: count, failed: 0 });

    const completed = (a.output() + b.output()).match(/^completed \S+/gm) ?? [];
    const items = Array.from({ length: count }, (_, n) => `${id}-${n}`);
    for (const item of items) expect(completed.filter((line) => line === `completed ${item}`), item).toHaveLength(1);
    // The killed worker never finished its job; the other one ran it again.
    expect(a.output()).not.toContain(`completed ${victim}`);
    expect(b.output()).toContain(`active ${victim}`);
    expect(b.output()).toContain(`completed ${victim}`);

    for (let n = 0; n < count; n++) {
      const result = await fetch(`${api}/v1/jobs/${id}/items/${n}`);
      expect(result.status).toBe(200);
      const meta = await sharp(Buffer.from(await result.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([384, 384]);
    }
  });

  it("answers single images and errors the same way as in-process", async () => {
    const ok = await fetch(`${api}/v1/stylize?style=cute&format=webp`, { method: "POST", body: await squarePhoto(128), headers: { "content-type": "image/jpeg" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/webp");
    // Passes the API's header check, fails to decode on the worker: the worker's code comes back.
    const truncated = (await squarePhoto(128)).subarray(0, 300);
    const bad = await json(await fetch(`${api}/v1/stylize?style=cute`, { method: "POST", body: truncated, headers: { "content-type": "image/jpeg" } }));
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ code: "DECODE_FAILED", message: expect.any(String) });
  });

  it("cancels a batch across processes with DELETE", async () => {
    const image = await squarePhoto(384);
    const created = await json(await fetch(`${api}/v1/jobs`, { method: "POST", body: form([image, image, image, image].map((bytes) => ({ bytes })), { style: "hayao" }) }));
    const id = created.body.id as string;
    expect((await fetch(`${api}/v1/jobs/${id}`, { method: "DELETE" })).status).toBe(200);
    const job = await waitFor(async () => (await json(await fetch(`${api}/v1/jobs/${id}`))).body, (j) => j.status !== "queued" && j.status !== "running", 60_000);
    expect(job.status).toBe("cancelled");
    expect(job.items.filter((i: { status: string }) => i.status === "cancelled").length).toBeGreaterThanOrEqual(3);
    const gone = await json(await fetch(`${api}/v1/jobs/${id}/items/3`));
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe("ABORTED");
  });

  it("drops the queued image of a client that disconnects", async () => {
    const b = children.at(-1)!;
    const image = await squarePhoto(384);
    const busy = await json(await fetch(`${api}/v1/jobs`, { method: "POST", body: form([{ bytes: image }, { bytes: image }], { style: "hayao" }) }));
    const singlesBefore = (b.output().match(/^active s-/gm) ?? []).length;
    const leaving = new AbortController();
    const request = fetch(`${api}/v1/stylize?style=hayao`, { method: "POST", body: image, headers: { "content-type": "image/jpeg" }, signal: leaving.signal }).catch((e) => e);
    // Wait until it is queued behind the batch, then hang up.
    await waitFor(async () => (await json(await fetch(`${api}/healthz`))).body, (h) => h.queue.waiting >= 2, 60_000);
    leaving.abort();
    expect(await request).toBeInstanceOf(Error);
    const done = await waitFor(async () => (await json(await fetch(`${api}/v1/jobs/${busy.body.id}`))).body, (j) => j.status === "done", 120_000);
    expect(done.status).toBe("done");
    await waitFor(async () => (await json(await fetch(`${api}/healthz`))).body, (h) => h.queue.waiting === 0 && h.queue.running === 0, 30_000);
    expect((b.output().match(/^active s-/gm) ?? []).length).toBe(singlesBefore);
  });
});
