import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, recordConsole } from "../browser/chromium.js";
import { photo } from "../fixtures/paths.js";
import { start, type Running } from "./helpers.js";

/** The page of `anime2d serve`, in Chromium: a batch on the server, then the same in the browser. */
describe("anime2d serve: web page", () => {
  let s: Running;
  let browser: Browser;
  beforeAll(async () => {
    [s, browser] = await Promise.all([start({ style: "cute" }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.server.close();
  });

  it("uploads a batch, shows progress per photo, and shows the results; then runs in the browser", async () => {
    const page = await browser.newPage();
    const log = recordConsole(page);
    const uploads: string[] = [];
    page.on("request", (r) => uploads.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(s.url);
    await page.waitForSelector("#style option[value=cute]", { state: "attached" });
    await page.setInputFiles("#files", [photo("astronaut.png"), photo("rocket.jpg")]);
    await page.selectOption("#style", "cute");
    await page.click("#go");
    await page.waitForFunction(() => document.querySelectorAll("#results li[data-state=done]").length === 2, undefined, { timeout: 120_000 });
    const widths = await page.$$eval("#results img", (imgs) => Promise.all(imgs.map((img) => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth))));
    expect(widths).toEqual([512, 640]);
    expect(uploads).toContain("POST /v1/jobs");
    expect(uploads.some((u) => /^GET \/v1\/jobs\/[\w-]+$/.test(u))).toBe(true);

    // In the browser: no upload, models fetched by their SHA-256 from this server.
    const before = uploads.length;
    await page.setInputFiles("#files", [photo("rocket.jpg")]);
    await page.check("input[name=mode][value=browser]");
    await page.selectOption("#face", "off");
    await page.click("#go");
    await page.waitForFunction(() => document.querySelector("#results li")?.getAttribute("data-state"), undefined, { timeout: 180_000 });
    expect(await page.getAttribute("#results li", "data-state"), log.join("\n")).toBe("done");
    const after = uploads.slice(before);
    expect(after.filter((u) => u.startsWith("POST"))).toEqual([]);
    expect(after.some((u) => /^GET \/v1\/models\/[0-9a-f]{64}$/.test(u))).toBe(true);
    expect(await page.$eval("#results img", (img) => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth))).toBe(640);
  });
});
