// The demo page (examples/web), built with Vite, driven like a person would: upload
// astronaut.png, pick hayao, download. Once on an isolated page, once under a strict CSP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { Browser } from "playwright-core";
import { buildDemo } from "./build.js";
import { launchChromium, recordConsole } from "./chromium.js";
import { ISOLATION, STRICT_CSP, serve } from "./server.js";
import { PHOTO_DIR, TEST_OUTPUT } from "./paths.js";

let demoDir: string;
let browser: Browser;
const shots = join(TEST_OUTPUT, "browser");

beforeAll(async () => {
  [demoDir, browser] = await Promise.all([buildDemo(), launchChromium()]);
  await mkdir(shots, { recursive: true });
}, 180_000);
afterAll(async () => browser?.close());

describe("demo page", () => {
  const cases = [
    ["cross-origin isolated", ISOLATION],
    ["strict CSP (script-src 'self' 'wasm-unsafe-eval')", { ...ISOLATION, ...STRICT_CSP }],
  ] as const;

  for (const [name, headers] of cases) {
    it(`stylizes astronaut.png in hayao and downloads it — ${name}`, async () => {
      const server = await serve(demoDir, headers);
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const log = recordConsole(page);
      // Injected by the driver, so it runs whatever the page's CSP says.
      await page.addInitScript(() => {
        (globalThis as unknown as { violations: string[] }).violations = [];
        document.addEventListener("securitypolicyviolation", (e) => (globalThis as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      try {
        await page.goto(server.url);
        await expect.poll(() => page.locator("[data-style]").count()).toBeGreaterThanOrEqual(7);
        await page.setInputFiles("[data-testid=files]", join(PHOTO_DIR, "astronaut.png"));
        await page.click("[data-style=hayao]");
        expect(await page.textContent("[data-testid=licence]")).toContain("non-commercial");
        await page.waitForSelector("[data-testid=card][data-state=done]", { timeout: 150_000 });

        const result = await page.evaluate(async () => {
          const read = async (img: HTMLImageElement) => {
            await img.decode();
            const ctx = new OffscreenCanvas(img.naturalWidth, img.naturalHeight).getContext("2d")!;
            ctx.drawImage(img, 0, 0);
            return { w: img.naturalWidth, h: img.naturalHeight, data: ctx.getImageData(0, 0, img.naturalWidth, img.naturalHeight).data };
          };
          const before = await read(document.querySelector<HTMLImageElement>(".before")!);
          const after = await read(document.querySelector<HTMLImageElement>("[data-testid=after]")!);
          let diff = 0;
          for (let i = 0; i < after.data.length; i++) diff += Math.abs(after.data[i] - before.data[i]);
          return {
            size: [after.w, after.h],
            beforeSize: [before.w, before.h],
            mae: diff / after.data.length,
            runtime: document.querySelector("[data-testid=runtime]")!.textContent,
            cores: navigator.hardwareConcurrency,
            isolated: crossOriginIsolated,
          };
        });
        expect(result.size).toEqual([512, 512]);
        expect(result.beforeSize).toEqual([512, 512]);
        expect(result.mae).toBeGreaterThan(10);
        // The demo runs in a worker, which leaves one core to the page: cores − 1 wasm threads,
        // at least 1 and at most 4 (docs/browser.md); the page shows what the worker runs.
        expect(result.isolated).toBe(true);
        const threads = Math.min(4, Math.max(1, result.cores - 1));
        expect(result.runtime).toContain(`wasm, ${threads} thread${threads > 1 ? "s" : ""}`);

        const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download]")]);
        expect(download.suggestedFilename()).toBe("astronaut-hayao.png");
        const meta = await sharp(await readFile((await download.path())!)).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(["png", 512, 512]);

        await page.screenshot({ path: join(shots, `demo-${headers === ISOLATION ? "isolated" : "csp"}.png`), fullPage: true });
        const violations = await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations);
        expect(violations, log.join("\n")).toEqual([]);
        expect(log.filter((l) => /Content Security Policy|EvalError|error/i.test(l))).toEqual([]);
      } finally {
        await context.close();
        await server.close();
      }
    });
  }
});
