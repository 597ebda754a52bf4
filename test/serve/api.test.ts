import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/paths.js";
import { HTML, SVG, bombPng, bytes, type Bytes, form, json, photoBytes, start, waitFor, type Running } from "./helpers.js";

/** Every error answer is exactly `{ code, message }`, with no stack and no server path. */
function expectCleanError(body: Record<string, unknown>, code: string): void {
  expect(body.code).toBe(code);
  expect(Object.keys(body).sort()).toEqual(["code", "message"]);
  expect(String(body.message)).not.toMatch(/\n\s+at |node_modules/);
  expect(String(body.message)).not.toContain(ROOT.replace(/\/$/, ""));
}

describe("anime2d serve: endpoints", () => {
  let s: Running;
  let small: Bytes;
  beforeAll(async () => {
    s = await start({ style: "cute", resultTtl: 2, maxBodyBytes: 400_000, maxInputPixels: 4_000_000 });
    small = await photoBytes("astronaut.png", 96);
  });
  afterAll(() => s.server.close());

  it("lists the styles with their licences", async () => {
    const { status, body } = await json(await fetch(`${s.url}/v1/styles`));
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.styles.map((x: { id: string }) => [x.id, x]));
    expect(byId.hayao.commercialUse).toBe(false);
    expect(byId["cartoongan-paprika"]).toMatchObject({ commercialUse: true, licence: expect.stringContaining("Apache") });
    expect(body.default).toBe("cute");
  });

  it("answers health and readiness", async () => {
    expect((await json(await fetch(`${s.url}/healthz`))).body).toMatchObject({ status: "ok", mode: "in-process" });
    const ready = await json(await fetch(`${s.url}/readyz`));
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
  });

  it("stylizes a multipart upload into the asked format", async () => {
    const response = await fetch(`${s.url}/v1/stylize`, { method: "POST", body: form([{ bytes: small }], { style: "cute", format: "jpeg", quality: "80", strength: "0.9" }) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 96, 96]);
  });

  it("stylizes a raw body with options in the query, 2× upscaled", async () => {
    const body = await photoBytes("china.jpg", 120, "jpeg");
    const response = await fetch(`${s.url}/v1/stylize?style=cute&upscaler=lanczos&face=off`, { method: "POST", body, headers: { "content-type": "image/jpeg" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([240, 160]);
    expect(response.headers.get("x-image-width")).toBe("240");
  });

  it("refuses bad options and unknown styles before any work", async () => {
    const post = (query: string) => fetch(`${s.url}/v1/stylize?${query}`, { method: "POST", body: small, headers: { "content-type": "image/png" } });
    const unknown = await json(await post("style=nope"));
    expect(unknown.status).toBe(400);
    expectCleanError(unknown.body, "UNKNOWN_STYLE");
    for (const query of ["strength=2", "format=gif", "colour=match", "face=maybe"]) {
      const r = await json(await post(query));
      expect(r.status, query).toBe(400);
      expectCleanError(r.body, "INVALID_OPTION");
    }
  });

  it("refuses SVG and HTML by their bytes, whatever they claim to be", async () => {
    const svg = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: form([{ bytes: SVG, name: "x.svg", type: "image/svg+xml" }]) }));
    expect(svg.status).toBe(415);
    expectCleanError(svg.body, "UNSUPPORTED_FORMAT");
    const disguised = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: HTML, headers: { "content-type": "image/png" } }));
    expect(disguised.status).toBe(415);
    expectCleanError(disguised.body, "UNSUPPORTED_FORMAT");
    const html = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: HTML, headers: { "content-type": "text/html" } }));
    expect(html.status).toBe(415);
    expectCleanError(html.body, "UNSUPPORTED_FORMAT");
  });

  it("refuses oversized bodies, pixel bombs, broken images and empty requests with their codes", async () => {
    const big = bytes(Buffer.concat([small, Buffer.alloc(500_000)]));
    for (const init of [
      { body: big, headers: { "content-type": "image/png" } },
      { body: form([{ bytes: big }]) },
    ]) {
      const r = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", ...init }));
      expect(r.status).toBe(413);
      expectCleanError(r.body, "INPUT_TOO_LARGE");
    }
    const bomb = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: await bombPng(60_000, 60_000), headers: { "content-type": "image/png" } }));
    expect(bomb.status).toBe(413);
    expectCleanError(bomb.body, "INPUT_TOO_LARGE");
    expect(bomb.body.message).toMatch(/60000×60000/);
    const broken = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: bytes(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])), headers: { "content-type": "image/jpeg" } }));
    expect(broken.status).toBe(422);
    expectCleanError(broken.body, "DECODE_FAILED");
    const empty = await json(await fetch(`${s.url}/v1/stylize`, { method: "POST", body: form([], { style: "cute" }) }));
    expect(empty.status).toBe(400);
    expectCleanError(empty.body, "INVALID_INPUT");
  });

  it("answers unknown routes and jobs with JSON 404s, and sends no CORS headers by default", async () => {
    const route = await fetch(`${s.url}/etc/passwd`, { headers: { origin: "https://evil.example" } });
    expect(route.status).toBe(404);
    expect(route.headers.get("access-control-allow-origin")).toBeNull();
    expectCleanError(await route.json(), "NOT_FOUND");
    for (const path of ["/v1/jobs/nope", "/v1/jobs/nope/items/0", "/ui/../../package.json", "/v1/models/..%2F..%2Fpackage.json"]) {
      const r = await fetch(`${s.url}${path}`);
      expect(r.status, path).toBe(404);
    }
    expect((await fetch(`${s.url}/v1/jobs/nope`, { method: "DELETE" })).status).toBe(404);
  });

  it("runs a batch job with per-item progress, failures kept per item, and results that expire", async () => {
    // A PNG cut after its header passes the HTTP check but fails to decode in the pipeline.
    const truncated = small.subarray(0, 200);
    const created = await json(await fetch(`${s.url}/v1/jobs`, { method: "POST", body: form([{ bytes: small }, { bytes: truncated }, { bytes: await photoBytes("coffee.png", 80) }], { style: "cute" }) }));
    expect(created.status).toBe(202);
    expect(created.headers.get("location")).toBe(`/v1/jobs/${created.body.id}`);
    const id = created.body.id as string;
    const job = await waitFor(async () => (await json(await fetch(`${s.url}/v1/jobs/${id}`))).body, (j) => j.status === "done");
    expect(job).toMatchObject({ id, status: "done", total: 3, done: 2, failed: 1 });
    expect(job.items.map((i: { status: string }) => i.status)).toEqual(["done", "failed", "done"]);
    expect(job.items[1].error.code).toBe("DECODE_FAILED");
    expect(job.items[0]).toMatchObject({ progress: 1, width: 96, height: 96, url: `/v1/jobs/${id}/items/0` });
    const result = await fetch(`${s.url}${job.items[2].url}`);
    expect(result.status).toBe(200);
    expect((await sharp(Buffer.from(await result.arrayBuffer())).metadata()).width).toBe(80);
    const failed = await json(await fetch(`${s.url}/v1/jobs/${id}/items/1`));
    expect(failed.status).toBe(422);
    expectCleanError(failed.body, "DECODE_FAILED");
    expect((await fetch(`${s.url}/v1/jobs/${id}/items/3`)).status).toBe(404);
    // resultTtl is 2 s here.
    expect(Date.parse(job.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await fetch(`${s.url}/v1/jobs/${id}`)).status).toBe(404);
    expect((await fetch(`${s.url}/v1/jobs/${id}/items/0`)).status).toBe(404);
  });

  it("serves the web page and only the registry's model files", async () => {
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const { listStyles } = await import("@anime2d/node");
    const cute = listStyles().find((x) => x.id === "cute")!;
    const model = await fetch(`${s.url}/v1/models/${cute.sha256}`);
    expect(model.status).toBe(200);
    expect(Number(model.headers.get("content-length"))).toBe(cute.bytes);
    await model.arrayBuffer();
    expect((await fetch(`${s.url}/v1/models/${"0".repeat(64)}`)).status).toBe(404);
  });
});
