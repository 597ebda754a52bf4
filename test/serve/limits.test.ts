import { afterEach, describe, expect, it } from "vitest";
import { form, json, photoBytes, squarePhoto, start, waitFor, type Running } from "./helpers.js";

const health = async (s: Running) => (await json(await fetch(`${s.url}/healthz`))).body;

describe("anime2d serve: queue, cancellation and timeouts", () => {
  let s: Running | undefined;
  afterEach(async () => {
    await s?.server.close();
    s = undefined;
  });

  it("answers 429 with Retry-After when the queue is full, and 503 from /readyz", async () => {
    s = await start({ workers: 1, maxQueue: 1 });
    const image = await squarePhoto(256);
    // One runs, one waits: a third has no room.
    const tooMany = await json(await fetch(`${s.url}/v1/jobs`, { method: "POST", body: form([{ bytes: image }, { bytes: image }, { bytes: image }], { style: "cute" }) }));
    expect(tooMany.status).toBe(429);
    expect(tooMany.body).toEqual({ code: "QUEUE_FULL", message: expect.any(String) });
    expect(Number(tooMany.headers.get("retry-after"))).toBeGreaterThan(0);

    const big = await squarePhoto(512);
    const job = await json(await fetch(`${s.url}/v1/jobs`, { method: "POST", body: form([{ bytes: big }, { bytes: big }], { style: "hayao" }) }));
    expect(job.status).toBe(202);
    const single = await fetch(`${s.url}/v1/stylize?style=cute`, { method: "POST", body: image, headers: { "content-type": "image/jpeg" } });
    const readyWhileFull = await fetch(`${s.url}/readyz`);
    // The single request arrives while the batch holds the runner and the one queue place.
    const answer = await json(single);
    expect(answer.status).toBe(429);
    expect(answer.body.code).toBe("QUEUE_FULL");
    expect(answer.headers.get("retry-after")).toBeTruthy();
    expect(readyWhileFull.status).toBe(503);
    expect(await readyWhileFull.json()).toMatchObject({ ready: false, reason: "queue full" });
    await fetch(`${s.url}/v1/jobs/${job.body.id}`, { method: "DELETE" });
    await waitFor(() => health(s!), (h) => h.queue.running === 0 && h.queue.waiting === 0);
  });

  it("cancels the work of a client that disconnects while it waits", async () => {
    s = await start({ workers: 1, maxQueue: 4 });
    const big = await squarePhoto(512);
    const first = fetch(`${s.url}/v1/stylize?style=hayao`, { method: "POST", body: big, headers: { "content-type": "image/jpeg" } });
    const leaving = new AbortController();
    const second = fetch(`${s.url}/v1/stylize?style=hayao`, { method: "POST", body: big, headers: { "content-type": "image/jpeg" }, signal: leaving.signal }).catch((e) => e);
    await waitFor(() => health(s!), (h) => h.queue.waiting === 1, 60_000);
    leaving.abort();
    expect(await second).toBeInstanceOf(Error);
    expect((await first).status).toBe(200);
    const after = await waitFor(() => health(s!), (h) => h.queue.running === 0 && h.queue.cancelled === 1);
    // The second image never ran: one completed, one cancelled.
    expect(after.queue).toMatchObject({ completed: 1, cancelled: 1, failed: 0, waiting: 0 });
  });

  it("cancels a batch job with DELETE; unfinished items are marked cancelled", async () => {
    s = await start({ workers: 1, maxQueue: 8 });
    const big = await squarePhoto(512);
    const created = await json(await fetch(`${s.url}/v1/jobs`, { method: "POST", body: form([big, big, big, big].map((bytes) => ({ bytes })), { style: "hayao" }) }));
    const id = created.body.id;
    const cancel = await json(await fetch(`${s.url}/v1/jobs/${id}`, { method: "DELETE" }));
    expect(cancel).toMatchObject({ status: 200, body: { id, cancelled: true } });
    const job = await waitFor(async () => (await json(await fetch(`${s!.url}/v1/jobs/${id}`))).body, (j) => j.status === "cancelled" || j.status === "done");
    expect(job.status).toBe("cancelled");
    expect(job.items.filter((i: { status: string }) => i.status === "cancelled").length).toBeGreaterThanOrEqual(3);
    const gone = await json(await fetch(`${s.url}/v1/jobs/${id}/items/3`));
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe("ABORTED");
  });

  it("gives up on work over the time limit with 503 TIMEOUT", async () => {
    s = await start({ timeoutMs: 1 });
    const r = await json(await fetch(`${s.url}/v1/stylize?style=cute`, { method: "POST", body: await photoBytes("astronaut.png", 64), headers: { "content-type": "image/png" } }));
    expect(r.status).toBe(503);
    expect(r.body.code).toBe("TIMEOUT");
    expect(r.headers.get("retry-after")).toBeTruthy();
    const created = await json(await fetch(`${s.url}/v1/jobs`, { method: "POST", body: form([{ bytes: await photoBytes("astronaut.png", 64) }], { style: "cute" }) }));
    const job = await waitFor(async () => (await json(await fetch(`${s!.url}/v1/jobs/${created.body.id}`))).body, (j) => j.status === "done");
    expect(job.items[0]).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
  });

  it("sends CORS headers only to the configured origins", async () => {
    s = await start({ cors: ["https://app.example"] });
    const allowed = await fetch(`${s.url}/v1/styles`, { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const preflight = await fetch(`${s.url}/v1/stylize`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
    const other = await fetch(`${s.url}/v1/styles`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
