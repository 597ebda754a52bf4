import type { Browser, Page } from "playwright-core";
import { buildHarness } from "./build.js";
import { launchChromium, recordConsole } from "./chromium.js";
import { ISOLATION, serve, type TestServer } from "./server.js";

/** A harness page in Chromium, models at /models/, ONNX Runtime self-hosted at /ort/. */
export interface HarnessSession {
  browser: Browser;
  page: Page;
  server: TestServer;
  console: string[];
  close(): Promise<void>;
}

/** Builds and serves the harness (cross-origin isolated by default) and opens it. */
export async function openHarness(headers: Record<string, string> = ISOLATION): Promise<HarnessSession> {
  const server = await serve(await buildHarness(), headers);
  const browser = await launchChromium();
  const page = await browser.newPage();
  const lines = recordConsole(page);
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === "ready");
  await page.evaluate(() => {
    anime2d.env.modelDir = "/models/";
    anime2d.webEnv.wasmPaths = "/ort/";
  });
  return { browser, page, server, console: lines, close: async () => (await browser.close(), await server.close()) };
}

/** Decodes the harness's base64 pixels. */
export function fromPixels(p: { width: number; height: number; channels: number; data: string }) {
  return { width: p.width, height: p.height, channels: p.channels, data: new Uint8Array(Buffer.from(p.data, "base64")) };
}

/** Mean absolute difference per channel value, in 0..255 units. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

declare global {
  // Set by the harness page (test/browser/harness/main.ts).
  var anime2d: typeof import("../../packages/web/src/index.js");
  var pixels: (image: { data: Uint8ClampedArray | Uint8Array; width: number; height: number; channels: number }) => { width: number; height: number; channels: number; data: string };
}
