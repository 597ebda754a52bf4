// The browser adapter in real Chromium: same results as Node, every input kind, outputs,
// model download/caching/verification, WebGPU fallback. One browser for the whole file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { createStylizer as createNodeStylizer, detectFaces as detectNodeFaces } from "@anime2d/node";
import { fromPixels, meanAbsDiff, openHarness, type HarnessSession } from "./session.js";
import { MODEL_DIR, PHOTO_DIR } from "./paths.js";

let s: HarnessSession;
beforeAll(async () => {
  s = await openHarness();
}, 180_000);
afterAll(async () => s?.close());

describe("browser vs Node", () => {
  const node = createNodeStylizer({ modelDir: MODEL_DIR });
  afterAll(() => node.dispose());

  for (const photo of ["astronaut.png", "china.jpg"]) {
    for (const style of ["hayao", "whitebox"] as const) {
      it(`${photo} in ${style}: mean abs error ≤ 2/255`, async () => {
        const web = fromPixels(
          await s.page.evaluate(async ({ photo, style }) => pixels(await anime2d.stylize(`/photos/${photo}`, { style })), { photo, style }),
        );
        const ref = await node.stylize(join(PHOTO_DIR, photo), { style });
        expect([web.width, web.height, web.channels]).toEqual([ref.width, ref.height, ref.channels]);
        const mae = meanAbsDiff(web.data, ref.data);
        console.log(`browser vs node MAE ${photo} ${style}: ${mae.toFixed(3)} / 255`);
        expect(mae).toBeLessThanOrEqual(2);
        // The comparison must be able to fail: the photo itself is far from either result.
        const original = await node.stylize(join(PHOTO_DIR, photo), { style, strength: 0 });
        expect(meanAbsDiff(original.data, ref.data)).toBeGreaterThan(10);
      });
    }
  }
});

describe("faces and upscaling in the browser", () => {
  it("detects the same faces as Node and upscales exactly 2×", async () => {
    const { faces, up } = await s.page.evaluate(async () => {
      const faces = await anime2d.detectFaces("/photos/laos.jpg");
      const out = await anime2d.upscale("/photos/coffee.png", { upscaler: "lanczos" });
      return { faces, up: [out.width, out.height] };
    });
    const ref = await detectNodeFaces(join(PHOTO_DIR, "laos.jpg"), { modelDir: MODEL_DIR });
    expect(faces).toHaveLength(2);
    expect(ref).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(faces[i].box.x - ref[i].box.x)).toBeLessThanOrEqual(2);
      expect(Math.abs(faces[i].landmarks[0][1] - ref[i].landmarks[0][1])).toBeLessThanOrEqual(2);
    }
    expect(up).toEqual([1200, 800]);
  });
});

describe("inputs and outputs", () => {
  it("gives the same result for every input kind", async () => {
    const results = await s.page.evaluate(async () => {
      // A 96×96 opaque crop of a real photo, in every form a page may hold it.
      const source = await createImageBitmap(await (await fetch("/photos/astronaut.png")).blob());
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 96;
      canvas.getContext("2d")!.drawImage(source, 120, 60, 256, 256, 0, 0, 96, 96);
      const imageData = canvas.getContext("2d")!.getImageData(0, 0, 96, 96);
      const offscreen = new OffscreenCanvas(96, 96);
      offscreen.getContext("2d")!.putImageData(imageData, 0, 0);
      const blob = await offscreen.convertToBlob({ type: "image/png" });
      const blobUrl = URL.createObjectURL(blob);
      const img = new Image();
      img.src = blobUrl;
      const file = new File([blob], "crop.png", { type: "image/png" });
      const rgb = new Uint8ClampedArray(96 * 96 * 3).map((_, i) => imageData.data[Math.floor(i / 3) * 4 + (i % 3)]);
      const raw = { data: rgb, width: 96, height: 96, channels: 3 as const };
      const inputs: Record<string, unknown> = {
        blob, file, img, canvas, offscreen, imageData, raw, blobUrl,
        bitmap: await createImageBitmap(canvas),
        bytes: new Uint8Array(await blob.arrayBuffer()),
        // A strided RGB view of the RGBA pixels.
        ndarray: { data: imageData.data, shape: [96, 96, 3], stride: [96 * 4, 4, 1], offset: 0 },
      };
      const out: Record<string, string> = {};
      for (const [name, input] of Object.entries(inputs)) out[name] = pixels(await anime2d.stylize(input as object, { style: "hayao" })).data;
      return out;
    });
    const reference = results.raw;
    for (const [name, data] of Object.entries(results)) {
      expect(fromPixels({ width: 96, height: 96, channels: 3, data }).data.length, name).toBe(96 * 96 * 3);
      expect(data === reference, `${name} differs from the RawImage result`).toBe(true);
    }
  });

  it("turns bad inputs into typed errors", async () => {
    const codes = await s.page.evaluate(async () => {
      const code = (p: Promise<unknown>) => p.then(() => "resolved", (e) => `${e.name}:${e.code}`);
      const png = new Uint8Array(await (await fetch("/photos/astronaut.png")).arrayBuffer());
      return {
        number: await code(anime2d.stylize(42 as unknown as object)),
        object: await code(anime2d.stylize({})),
        garbage: await code(anime2d.stylize(new Blob([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])]))),
        missingUrl: await code(anime2d.stylize("/photos/nope.png")),
        tooLarge: await code(anime2d.stylize(png, { maxInputPixels: 1000 })),
        // Refused by size before the Blob or the response body is read whole.
        tooManyBytesBlob: await code(anime2d.stylize(new Blob([png]), { maxInputBytes: 1000 })),
        tooManyBytesUrl: await code(anime2d.stylize("/photos/astronaut.png", { maxInputBytes: 1000 })),
        // No Content-Length and no end: stopped once past the limit, not read forever.
        endlessUrl: await code(anime2d.stylize("/endless", { maxInputBytes: 1_000_000 })),
        badStyle: await code(anime2d.stylize(png, { style: "nope" as never })),
        badStrength: await code(anime2d.stylize(png, { strength: 2 })),
        brokenImg: await code(anime2d.stylize(Object.assign(new Image(), { src: "/photos/nope.png" }))),
      };
    });
    expect(codes).toEqual({
      number: "Anime2dError:INVALID_INPUT",
      object: "Anime2dError:INVALID_INPUT",
      garbage: "Anime2dError:UNSUPPORTED",
      missingUrl: "Anime2dError:INVALID_INPUT",
      tooLarge: "Anime2dError:INPUT_TOO_LARGE",
      tooManyBytesBlob: "Anime2dError:INPUT_TOO_LARGE",
      tooManyBytesUrl: "Anime2dError:INPUT_TOO_LARGE",
      endlessUrl: "Anime2dError:INPUT_TOO_LARGE",
      badStyle: "Anime2dError:UNKNOWN_STYLE",
      badStrength: "Anime2dError:INVALID_OPTION",
      brokenImg: "Anime2dError:DECODE_FAILED",
    });
  });

  it("returns Blob, ImageData and canvas outputs holding the result's pixels", async () => {
    const r = await s.page.evaluate(async () => {
      const out = await anime2d.stylize("/photos/coffee.png", { style: "hayao" });
      const png = await out.toBlob();
      const back = new OffscreenCanvas(out.width, out.height).getContext("2d")!;
      back.drawImage(await createImageBitmap(png), 0, 0);
      const roundTrip = back.getImageData(0, 0, out.width, out.height).data;
      const imageData = out.toImageData();
      const canvas = out.toCanvas();
      const onCanvas = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let pngDiff = 0, dataDiff = 0, canvasDiff = 0;
      for (let i = 0, j = 0; i < out.data.length; i += 3, j += 4) {
        for (let c = 0; c < 3; c++) {
          pngDiff = Math.max(pngDiff, Math.abs(roundTrip[j + c] - out.data[i + c]));
          dataDiff = Math.max(dataDiff, Math.abs(imageData.data[j + c] - out.data[i + c]));
          canvasDiff = Math.max(canvasDiff, Math.abs(onCanvas[j + c] - out.data[i + c]));
        }
      }
      const jpeg = await out.toBlob("image/jpeg", 80);
      const webp = await out.toBlob("webp");
      const gif = await out.toBlob("image/gif").then(() => "resolved", (e) => e.code);
      const bytes = await out.toBuffer("png");
      return {
        size: [out.width, out.height, out.channels], png: png.type, pngDiff, dataDiff, canvasDiff,
        imageData: [imageData.width, imageData.height, imageData.data.length], canvas: [canvas.tagName, canvas.width, canvas.height],
        jpeg: [jpeg.type, jpeg.size > 1000], webp: webp.type, gif, bytes: Array.from(bytes.subarray(1, 4)),
      };
    });
    expect(r).toEqual({
      size: [600, 400, 3], png: "image/png", pngDiff: 0, dataDiff: 0, canvasDiff: 0,
      imageData: [600, 400, 600 * 400 * 4], canvas: ["CANVAS", 600, 400],
      jpeg: ["image/jpeg", true], webp: "image/webp", gif: "INVALID_OPTION", bytes: [0x50, 0x4e, 0x47],
    });
  });
});

describe("models: base URL, Cache API, SHA-256", () => {
  it("downloads from the base URL once, then serves the verified file from the Cache API", async () => {
    const before = s.server.requests.length;
    const r = await s.page.evaluate(async () => {
      anime2d.env.cacheDir = "anime2d-test-cache";
      await caches.delete("anime2d-test-cache");
      const first = anime2d.createStylizer({ modelDir: "/models/" });
      await first.stylize("/photos/coffee.png", { style: "cute", face: "off" });
      const keys = (await (await caches.open("anime2d-test-cache")).keys()).map((k) => k.url);
      // A second stylizer whose base URL serves nothing still works: the cache answers.
      const second = anime2d.createStylizer({ modelDir: "/nothing-here/" });
      const out = await second.stylize("/photos/coffee.png", { style: "cute", face: "off" });
      await Promise.all([first.dispose(), second.dispose()]);
      return { keys, size: [out.width, out.height] };
    });
    const requests = s.server.requests.slice(before);
    // The model file, and its optimised graph (docs/speed.md), keyed by the file's SHA-256.
    expect(r.keys.sort()).toEqual([
      "https://anime2d.invalid/models/animeganv3-tiny-cute.onnx",
      "https://anime2d.invalid/models/optimized%2F3ef02d6b2939a0e81621abc5beb0e741bb58654570033cd0e97f6b6ef37c1171.onnx",
    ]);
    expect(r.size).toEqual([600, 400]);
    expect(requests.filter((u) => u.includes("animeganv3-tiny-cute.onnx"))).toEqual(["/models/animeganv3-tiny-cute.onnx"]);
    expect(requests.some((u) => u.startsWith("/nothing-here/"))).toBe(false);
  });

  it("refuses an SPA's HTML answer, a truncated file and a corrupted cache entry", async () => {
    const r = await s.page.evaluate(async () => {
      anime2d.env.cacheDir = "anime2d-test-broken";
      await caches.delete("anime2d-test-broken");
      const fail = (modelDir: string) =>
        anime2d.createStylizer({ modelDir }).stylize("/photos/coffee.png", { style: "cute" }).then(() => "resolved", (e) => `${e.code}: ${e.message}`);
      const spa = await fail("/spa/");
      const truncated = await fail("/truncated/");
      const missing = await fail("/missing/");
      // Nothing broken was cached.
      const cached = (await (await caches.open("anime2d-test-broken")).keys()).length;
      // A corrupted entry is never used: the file is downloaded again and replaces it.
      await (await caches.open("anime2d-test-broken")).put("https://anime2d.invalid/models/animeganv3-tiny-cute.onnx", new Response(new Uint8Array(2452590)));
      const repaired = await anime2d.createStylizer({ modelDir: "/models/" }).stylize("/photos/coffee.png", { style: "cute" }).then((o) => o.width);
      const entry = await (await (await caches.open("anime2d-test-broken")).match("https://anime2d.invalid/models/animeganv3-tiny-cute.onnx"))!.arrayBuffer();
      return { spa, truncated, missing, cached, repaired, repairedHead: new Uint8Array(entry)[0] };
    });
    expect(r.spa).toMatch(/^MODEL_INTEGRITY: .*HTML/);
    expect(r.truncated).toMatch(/^MODEL_INTEGRITY: .*1226295 bytes.*truncated/);
    expect(r.missing).toMatch(/^MODEL_DOWNLOAD_FAILED: .*404/);
    expect(r.cached).toBe(0);
    expect(r.repaired).toBe(600);
    expect(r.repairedHead).not.toBe(0);
  });

  it("takes per-style overrides (relative URLs) from env.models", async () => {
    const r = await s.page.evaluate(async () => {
      anime2d.env.models = { cute: "/models/animeganv3-tiny-cute.onnx" };
      const stylizer = anime2d.createStylizer({ modelDir: "/nothing-here/" });
      try {
        return (await stylizer.stylize("/photos/coffee.png", { style: "cute" })).width;
      } finally {
        anime2d.env.models = {};
        await stylizer.dispose();
      }
    });
    expect(r).toBe(600);
  });
});

describe("runtime", () => {
  it("uses wasm threads on a cross-origin-isolated page", async () => {
    const info = await s.page.evaluate(() => anime2d.createStylizer().runtimeInfo());
    expect(info).toMatchObject({ backend: "wasm", crossOriginIsolated: true });
    expect(info.threads).toBeGreaterThan(1);
  });

  it("falls back from WebGPU to wasm with a logged reason when there is no GPU", async () => {
    const r = await s.page.evaluate(async () => {
      const stylizer = anime2d.createStylizer({ backend: "webgpu" });
      const out = await stylizer.stylize("/photos/coffee.png", { style: "cute" });
      return { info: await stylizer.runtimeInfo(), width: out.width };
    });
    expect(r.width).toBe(600);
    expect(r.info.backend).toBe("wasm");
    expect(r.info.fallbackReason).toMatch(/WebGPU|adapter|gpu/i);
    expect(s.console.some((l) => l.startsWith("warning: [anime2d] WebGPU was requested but is unavailable"))).toBe(true);
  });
});
