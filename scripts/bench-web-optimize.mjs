#!/usr/bin/env node
// The graph optimiser in the browser: Chromium (onnxruntime-web, wasm) stylizing the same
// image with `optimize: false` (the published file) and with the default optimised graph
// (built on first load, then read from the Cache API). Runs alternate, so machine noise hits
// both alike; prints the medians and their ratio as one markdown table row per style.
// Separate from bench-web.mjs (Chromium vs Node), which another change owns.
//
//   npm run build && npm run bench:web-optimize [-- --styles hayao,cute --size 512 --runs 5]
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "vite";
import { chromium } from "playwright-core";
import sharp from "sharp";
import { serveIsolated } from "./isolated-server.mjs";

const { values } = parseArgs({
  options: {
    styles: { type: "string", default: "hayao,shinkai,cute" },
    size: { type: "string", default: "512" },
    runs: { type: "string", default: "5" },
  },
});
const root = fileURLToPath(new URL("..", import.meta.url));
const modelDir = resolve(process.env.ANIME2D_MODEL_DIR ?? join(root, "../shared/models"));
const photoDir = resolve(process.env.ANIME2D_PHOTO_DIR ?? join(root, "../shared/photos"));
const size = Number(values.size);
const runs = Number(values.runs);
if (!existsSync(join(root, "dist/web/index.js"))) throw new Error("Build first: npm run build");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { data } = await sharp(join(photoDir, "astronaut.png")).resize(size, size).removeAlpha().raw().toBuffer({ resolveWithObject: true });

const outDir = join(root, "test-output", "bench-web-optimize");
await build({
  configFile: false, root: join(root, "test/browser/harness"), base: "./", logLevel: "warn",
  resolve: { alias: { "@anime2d/web": join(root, "dist/web/index.js") } },
  worker: { format: "es" }, build: { outDir, emptyOutDir: true, target: "es2022" },
});
const server = await serveIsolated({ dir: outDir, modelDir, root });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === "ready");
  await page.evaluate(async ({ pixels, size }) => {
    anime2d.env.modelDir = "/models/";
    anime2d.webEnv.wasmPaths = "/ort/";
    globalThis.benchInput = { data: new Uint8ClampedArray(pixels), width: size, height: size, channels: 3 };
    globalThis.optimized = anime2d.createStylizer({ backend: "wasm" });
    globalThis.published = anime2d.createStylizer({ backend: "wasm", optimize: false });
  }, { pixels: Array.from(data), size });

  console.log(`Chromium ${browser.version()}, onnxruntime-web wasm, ${size}², median of ${runs} alternating stylize() runs\n`);
  console.log("| style | published file ms | optimised ms | speed-up | optimised graph stored in the Cache API |");
  console.log("|---|---|---|---|---|");
  for (const style of values.styles.split(",")) {
    const run = (which) =>
      page.evaluate(async ([which, style]) => {
        const t = performance.now();
        await globalThis[which].stylize(benchInput, { style, face: "off", color: "model" });
        return performance.now() - t;
      }, [which, style]);
    await run("published");
    await run("optimized");
    const times = { published: [], optimized: [] };
    for (let i = 0; i < runs; i++) for (const which of ["published", "optimized"]) times[which].push(await run(which));
    const cached = await page.evaluate(async () => (await caches.open("anime2d-models")).keys().then((keys) => keys.some((k) => k.url.includes("optimized"))));
    const [p, o] = [median(times.published), median(times.optimized)];
    console.log(`| ${style} | ${p.toFixed(0)} | ${o.toFixed(0)} | **${(p / o).toFixed(2)}×** | ${cached ? "yes" : "no"} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
