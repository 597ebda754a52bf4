// Bundler proofs: a tiny app importing "anime2d" is built with Vite and with webpack through the
// package's real `exports`; each bundle must hold the web adapter and nothing of the Node
// adapter, and must run in Chromium with the bundler's own wasm asset URLs. Node (SSR) still
// resolves "anime2d" to the Node adapter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "vite";
import webpack from "webpack";
import type { Browser } from "playwright-core";
import { launchChromium, recordConsole } from "../browser/chromium.js";
import { STRICT_CSP, serve } from "../browser/server.js";
import { ROOT, TEST_OUTPUT } from "../browser/paths.js";

const app = join(TEST_OUTPUT, "bundlers", "app");
const MAIN = `
import { stylize, env, listStyles } from "anime2d";
if (new URLSearchParams(location.search).has("run")) {
  env.modelDir = "/models/";
  stylize("/photos/coffee.png", { style: "cute" }).then(
    (out) => (document.title = "done " + out.width + "x" + out.height),
    (error) => (document.title = "error " + error.code + " " + error.message),
  );
} else {
  document.title = "styles " + listStyles().length;
}
`;

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/web/index.js"))) throw new Error("dist/web is missing: run `npx tsup` first.");
  await rm(app, { recursive: true, force: true });
  await mkdir(join(app, "src"), { recursive: true });
  await mkdir(join(app, "node_modules"), { recursive: true });
  // The app depends on this repository as an installed package would.
  await symlink(ROOT, join(app, "node_modules", "anime2d"), "dir");
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "tiny-app", private: true, type: "module" }));
  await writeFile(join(app, "src/main.js"), MAIN);
  await writeFile(join(app, "index.html"), `<!doctype html><html><head><title>tiny</title></head><body><script type="module" src="/src/main.js"></script></body></html>`);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => browser?.close());

async function buildVite(): Promise<string> {
  const outDir = join(app, "dist-vite");
  await build({ configFile: false, root: app, logLevel: "error", build: { outDir, emptyOutDir: true } });
  return outDir;
}

async function buildWebpack(): Promise<string> {
  const outDir = join(app, "dist-webpack");
  const config: webpack.Configuration = {
    mode: "production",
    context: app,
    entry: "./src/main.js",
    target: "web",
    devtool: false,
    performance: { hints: false },
    output: { path: outDir, filename: "main.js", clean: true },
  };
  const stats = await new Promise<webpack.Stats | undefined>((ok, fail) => webpack(config, (error, result) => (error ? fail(error) : ok(result))));
  if (!stats || stats.hasErrors()) throw new Error(stats?.toString({ all: false, errors: true }) ?? "webpack failed");
  await writeFile(join(outDir, "index.html"), `<!doctype html><html><head><title>tiny</title></head><body><script src="main.js"></script></body></html>`);
  return outDir;
}

/**
 * Places where JavaScript can compile code from strings: `Function(…)` with or without `new`
 * (and spaces before the parenthesis), direct `eval(…)` and `window.eval(…)`, indirect
 * `(0, eval)(…)`, `eval?.(…)`, `["eval"]`, and `eval` passed or stored as a value.
 */
const CODE_GENERATION = /\bFunction\s*\(|\beval\s*(?:\?\.\s*)?\(|\[\s*["'`]eval["'`]\s*\]|[=,(:?]\s*eval\b(?!\s*[(.:])/g;

/**
 * webpack's runtime helper for `global` (`__webpack_require__.g`), run once at load: it returns
 * `globalThis`, which every supported browser has, before the `new Function` fallback is reached.
 */
const WEBPACK_GLOBAL_SHIM = `if("object"==typeof globalThis)return globalThis;try{return this||new Function("return this")()}`;

/** Code-generation sites in one file's text, not counting webpack's guarded global shim. */
function codeGenerationSites(text: string): string[] {
  return [...text.replaceAll(WEBPACK_GLOBAL_SHIM, "").matchAll(CODE_GENERATION)].map((m) => text.slice(Math.max(0, m.index - 40), m.index + 40));
}

/** What a bundle holds, from its JavaScript files. */
async function inspect(dir: string) {
  const files = (await readdir(dir, { recursive: true })) as string[];
  const js = files.filter((f) => /\.m?js$/.test(f));
  const texts = await Promise.all(js.map((f) => readFile(join(dir, f), "utf8")));
  const text = texts.join("\n");
  return {
    webAdapter: text.includes("anime2d/web runs in browsers"),
    nodeAdapter: /onnxruntime-node|onnxruntime_binding|libvips|["']sharp["']|node:fs/.test(text),
    nativeFiles: files.filter((f) => f.endsWith(".node")),
    wasm: files.filter((f) => f.endsWith(".wasm")),
    codeGen: Object.fromEntries(js.map((f, i) => [f, codeGenerationSites(texts[i]).length] as const).filter(([, n]) => n > 0)),
  };
}

/**
 * Runs the app under a strict CSP (no 'unsafe-eval'), returning the page's title, the script
 * files it loaded and the policy violations it raised.
 */
async function runInChromium(dir: string): Promise<{ title: string; scripts: string[]; violations: string[] }> {
  const server = await serve(dir, STRICT_CSP);
  const page = await browser.newPage();
  const log = recordConsole(page);
  await page.addInitScript(() => {
    (globalThis as unknown as { violations: string[] }).violations = [];
    document.addEventListener("securitypolicyviolation", (e) => (globalThis as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  try {
    await page.goto(`${server.url}?run`);
    await page.waitForFunction(() => document.title.startsWith("done") || document.title.startsWith("error"), undefined, { timeout: 120_000 });
    const title = await page.title();
    if (!title.startsWith("done")) console.log(log.join("\n"));
    const violations = await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations);
    const scripts = [...new Set(server.requests.map((r) => new URL(r, server.url).pathname.slice(1)).filter((p) => /\.m?js$/.test(p)))];
    return { title, scripts, violations };
  } finally {
    await page.close();
    await server.close();
  }
}

describe.each([
  ["Vite", buildVite],
  ["webpack", buildWebpack],
])("%s build of an app importing anime2d", (name, bundle) => {
  let out: string;
  beforeAll(async () => {
    out = await bundle();
  }, 120_000);

  it("contains the web adapter and no onnxruntime-node or sharp", async () => {
    const found = await inspect(out);
    console.log(`${name}: wasm ${found.wasm.join(", ")}; code generation in ${JSON.stringify(found.codeGen)}`);
    expect(found.webAdapter).toBe(true);
    expect(found.nodeAdapter).toBe(false);
    expect(found.nativeFiles).toEqual([]);
    expect(found.wasm.length).toBeGreaterThan(0);
  });

  it("runs in Chromium under a strict CSP, finding the wasm through the bundler's asset URLs, and loads no code generation", async () => {
    const run = await runInChromium(out);
    expect(run.title).toBe("done 600x400");
    expect(run.violations).toEqual([]);
    // Files that are bundled but never loaded on the wasm path (ONNX Runtime's WebGPU build,
    // which compiles code with Function()) may hold such sites; what the page loads may not.
    expect(run.scripts.length).toBeGreaterThan(0);
    const loaded = await Promise.all(run.scripts.map(async (f) => [f, codeGenerationSites(await readFile(join(out, f), "utf8"))] as const));
    console.log(`${name}: the wasm page loaded ${run.scripts.join(", ")}`);
    expect(Object.fromEntries(loaded.filter(([, sites]) => sites.length > 0))).toEqual({});
  }, 150_000);
});

describe("CSP", () => {
  it("anime2d's own browser code compiles no code at run time (no Function(), no eval)", async () => {
    const dir = join(ROOT, "dist/web");
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".js"))) {
      expect(codeGenerationSites(await readFile(join(dir, file), "utf8")), file).toEqual([]);
    }
  });
});

describe("Node (SSR)", () => {
  it('resolves "anime2d" to the Node adapter and "anime2d/web" to an inert browser module', async () => {
    const script = `
      const node = await import("anime2d");
      const web = await import("anime2d/web");
      const call = await web.stylize(new Uint8Array(4)).then(() => "resolved", (e) => e.code);
      console.log(JSON.stringify({ node: import.meta.resolve("anime2d"), web: import.meta.resolve("anime2d/web"), nodeHasToFile: "toFile" in node.AnimeImage.prototype, call }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: app });
    const r = JSON.parse(stdout);
    expect(r.node).toMatch(/dist\/node\/index\.js$/);
    expect(r.web).toMatch(/dist\/web\/index\.js$/);
    expect(r.call).toBe("UNSUPPORTED");
  }, 60_000);
});
