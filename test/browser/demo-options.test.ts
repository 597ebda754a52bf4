// The demo's options beyond the basic run (examples/web): the style switch, face-centred avatar
// crops, 2× HD, a progress bar driven by the library's real counts that never moves backwards,
// and the dev server's model folder (a relative ANIME2D_MODEL_DIR with "..", 404 for a missing file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { join, relative } from "node:path";
import type { Browser, Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { buildDemo } from "./build.js";
import { launchChromium, recordConsole } from "./chromium.js";
import { ISOLATION, serve } from "./server.js";
import { MODEL_DIR, PHOTO_DIR, ROOT } from "./paths.js";
import { wasmFiles } from "../bundlers/tiny-app.js";

let demoDir: string;
let browser: Browser;
beforeAll(async () => {
  [demoDir, browser] = await Promise.all([buildDemo("web-demo-options"), launchChromium()]);
}, 180_000);
afterAll(async () => browser?.close());

/** Bar widths (percent) the card showed, in order, and its status lines. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { widths: number[]; texts: string[] } = { widths: [], texts: [] };
    (globalThis as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLElement>("[data-testid=progress] div");
      const status = document.querySelector("[data-testid=status]")?.textContent ?? "";
      if (bar) seen.widths.push(parseFloat(bar.style.width) || 0);
      if (seen.texts.at(-1) !== status) seen.texts.push(status);
    }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
}

const resultSize = (page: Page) =>
  page.evaluate(async () => {
    const img = document.querySelector<HTMLImageElement>("[data-testid=after]")!;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });

describe("demo build", () => {
  it("ships one wasm file, ONNX Runtime's plain wasm build (not ~55 MB of copies and WebGPU)", async () => {
    const files = await wasmFiles(demoDir);
    console.log(`demo wasm: ${files.map((f) => `${f.file} ${(f.bytes / 1e6).toFixed(1)} MB`).join(", ")}`);
    expect(files.map((f) => f.file)).toEqual([expect.stringMatching(/^assets\/ort-wasm-simd-threaded-[\w-]{8}\.wasm$/)]);
  });
});

describe("demo page options", () => {
  it("avatar + 2× HD, then a style switch; progress only moves forward and shows real counts", async () => {
    const server = await serve(demoDir, ISOLATION);
    const page = await browser.newPage();
    const log = recordConsole(page);
    try {
      await page.goto(server.url);
      await expect.poll(() => page.locator("[data-style]").count()).toBeGreaterThanOrEqual(7);
      await page.selectOption("[data-testid=face]", "avatar");
      await page.check("[data-testid=hd]");
      await watchProgress(page);
      await page.setInputFiles("[data-testid=files]", join(PHOTO_DIR, "astronaut.png"));
      await page.click("[data-style=cute]");
      await page.waitForSelector("[data-testid=card][data-state=done]", { timeout: 150_000 });
      expect(await resultSize(page)).toEqual([1024, 1024]); // a 512² face-centred avatar, upscaled 2×
      const seen = await page.evaluate(() => (globalThis as unknown as { seen: { widths: number[]; texts: string[] } }).seen);
      const working = seen.widths.slice(seen.widths.findIndex((w) => w > 0));
      expect(working.every((w, i) => i === 0 || w >= working[i - 1]!), `widths ${working.join(",")}`).toBe(true);
      expect(new Set(working).size).toBeGreaterThan(4); // it moved through several stages
      expect(seen.texts.join("\n")).toMatch(/Looking for faces/);
      expect(seen.texts.join("\n")).toMatch(/Upscaling 2×/);
      expect(await page.textContent("[data-testid=status]")).toContain("1024×1024");

      // The style switch restyles the photo; sharper faces, no HD: the photo's own size, and
      // the status counts the faces the library reports.
      await page.selectOption("[data-testid=face]", "auto");
      await page.uncheck("[data-testid=hd]");
      await page.click("[data-style=hayao]");
      await expect.poll(() => page.textContent("[data-testid=status]"), { timeout: 150_000 }).toMatch(/Hayao.*512×512/);
      const texts = await page.evaluate(() => (globalThis as unknown as { seen: { texts: string[] } }).seen.texts.join("\n"));
      expect(texts).toMatch(/Painting face \d\/1…/);
      expect(await page.getAttribute("[data-testid=download]", "download")).toBe("astronaut-hayao.png");
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 320_000);
});

describe("demo dev server", () => {
  let vite: ViteDevServer;
  let saved: string | undefined;
  beforeAll(async () => {
    saved = process.env.ANIME2D_MODEL_DIR;
    // The README's command gives a relative folder that climbs out of the repository.
    process.env.ANIME2D_MODEL_DIR = relative(process.cwd(), MODEL_DIR);
    vite = await createServer({ configFile: join(ROOT, "examples/web/vite.config.ts"), logLevel: "error", server: { port: 0, host: "127.0.0.1" } });
    await vite.listen();
  }, 60_000);
  afterAll(async () => {
    await vite?.close();
    process.env.ANIME2D_MODEL_DIR = saved;
  });

  const get = (path: string) =>
    new Promise<{ status: number; type: string; bytes: number }>((ok, fail) => {
      const address = vite.httpServer!.address() as { port: number };
      request({ host: "127.0.0.1", port: address.port, path }, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => ok({ status: res.statusCode!, type: String(res.headers["content-type"]), bytes }));
      }).on("error", fail).end();
    });

  it(`serves models from a relative ANIME2D_MODEL_DIR, 404 (not the page) for missing or outside files`, async () => {
    expect(process.env.ANIME2D_MODEL_DIR).toContain("..");
    expect(await get("/models/animeganv3-tiny-cute.onnx")).toEqual({ status: 200, type: "application/octet-stream", bytes: 2452590 });
    expect(await get("/models/nope.onnx")).toMatchObject({ status: 404, type: "text/plain" });
    expect(await get("/models/..%2f..%2fpackage.json")).toMatchObject({ status: 404, type: "text/plain" });
  });
});
