// A cross-origin-isolated page (COOP/COEP) running anime2d on its own thread, bundled by Vite
// with default options (no self-hosted ONNX Runtime files). ONNX Runtime used to start its wasm
// threads from the app bundle, where the page's code fails (`document is not defined`), and
// stylize() then waited at load-model forever. It must finish, or fail at once with a typed error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { buildWithVite, createTinyApp } from "../bundlers/tiny-app.js";
import { launchChromium, recordConsole } from "./chromium.js";
import { ISOLATION, serve } from "./server.js";

const MAIN = `
import { stylize, env } from "anime2d";
env.modelDir = "/models/";
const stages = [];
document.title = "running";
stylize("/photos/coffee.png", { style: "cute", onProgress: (e) => stages.push(e.stage) }).then(
  (out) => (document.title = "done " + out.width + "x" + out.height + " isolated=" + crossOriginIsolated),
  (error) => (document.title = "error " + error.code + " " + error.message),
);
window.stages = stages;
`;

let browser: Browser;
let out: string;
beforeAll(async () => {
  out = await buildWithVite(await createTinyApp("isolated-main-thread-app", MAIN));
  browser = await launchChromium();
}, 180_000);
afterAll(async () => browser?.close());

describe("a cross-origin-isolated page in main-thread mode", () => {
  it("stylizes (or fails with a typed error) instead of hanging at load-model", async () => {
    const server = await serve(out, ISOLATION);
    const page = await browser.newPage();
    const log = recordConsole(page);
    try {
      await page.goto(server.url);
      const settled = await page
        .waitForFunction(() => /^(done|error)/.test(document.title), undefined, { timeout: 120_000 })
        .then(() => true, () => false);
      const title = await page.title();
      const stages = await page.evaluate(() => (window as unknown as { stages: string[] }).stages.join(","));
      if (!title.startsWith("done")) console.log(`title: ${title}\nstages: ${stages}\n${log.join("\n")}`);
      expect(settled, `still "${title}" after 120 s; stages: ${stages}`).toBe(true);
      expect(title).toBe("done 600x400 isolated=true");
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
      // It says why it ran on one thread, and what would give it more.
      expect(log.join("\n")).toMatch(/Using 1 wasm thread.*wasmPaths.*worker: true/);
    } finally {
      await page.close();
      await server.close();
    }
  }, 200_000);
});
