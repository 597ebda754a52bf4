import { existsSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";
import { ROOT, TEST_OUTPUT } from "./paths.js";

const WEB_DIST = join(ROOT, "dist/web/index.js");

function requireBuild(): void {
  if (!existsSync(WEB_DIST)) throw new Error("dist/web is missing: run `npx tsup` (or `npm run build`) before the browser tests.");
}

/** Builds the demo page (examples/web) with its own Vite config; returns the output folder. */
export async function buildDemo(name = "web-demo"): Promise<string> {
  requireBuild();
  const outDir = join(TEST_OUTPUT, name);
  await build({ configFile: join(ROOT, "examples/web/vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Builds the test harness: a page exposing `window.anime2d`, bundled like an app would. */
export async function buildHarness(): Promise<string> {
  requireBuild();
  const outDir = join(TEST_OUTPUT, "web-harness");
  await build({
    configFile: false,
    root: join(ROOT, "test/browser/harness"),
    base: "./",
    logLevel: "error",
    resolve: { alias: { "@anime2d/web": WEB_DIST, "@anime2d/webgpu": join(ROOT, "dist/web/webgpu.js") } },
    worker: { format: "es" },
    build: { outDir, emptyOutDir: true, target: "es2022" },
  });
  return outDir;
}
