// The package as a user gets it: `npm pack`, then the tarball installed into fresh Node (ESM
// and CJS), Vite and TypeScript projects in a temporary folder outside the repository (so our
// .npmrc does not apply), with the npm registry (through the local npm cache) as the only
// network. Each project is type-checked under its own tsconfig with skipLibCheck: false, the
// Vite app is built and the Node app stylizes a real photo.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_DIR, PHOTO_DIR, ROOT } from "../fixtures/paths.js";
import { NODE_APP, VITE_APP } from "./projects.js";

const run = promisify(execFile);
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

let base: string;
let tarball: string;

/** Runs a command with a clean environment: no npm_config_* inherited from the test runner's npm. */
function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !k.startsWith("ANIME2D_")));
  return run(cmd, args, { cwd, env: { ...clean, ...env }, maxBuffer: 64 << 20, timeout: 300_000 });
}

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

/** Size of a folder in bytes (files only, symlinks not followed). */
async function du(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
/** Type-checks a project; a failure carries tsc's diagnostics. */
async function typecheck(dir: string, project: string): Promise<void> {
  await sh(process.execPath, [TSC, "-p", project, "--pretty", "false"], dir).catch((error: { stdout?: string }) => {
    throw new Error(`tsc -p ${project} failed:\n${error.stdout}`);
  });
}
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/node/index.js"))) throw new Error("dist is missing: run `npm run build` first.");
  base = await mkdtemp(join(tmpdir(), "anime2d-pack-"));
  const { stdout } = await sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", base], ROOT);
  tarball = join(base, JSON.parse(stdout)[0].filename);
}, 120_000);
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the built package, README, LICENSE and registry, and no source maps or sources", async () => {
    const { stdout } = await sh("tar", ["-tzf", tarball], base);
    const files = stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json", "models/registry.json", "bin/anime2d.js", "dist/node/index.js", "dist/node/index.cjs", "dist/web/index.js", "dist/web/worker.js", "dist/web/webgpu.js"]));
    expect(files.filter((f) => f.endsWith(".map") || f.startsWith("packages/") || f.startsWith("test/"))).toEqual([]);
  });
});

describe("a Node app (npm install anime2d onnxruntime-node sharp)", () => {
  let app: string;
  beforeAll(async () => {
    app = join(base, "node-app");
    await writeProject(app, NODE_APP);
    // The README's command; the flag skips onnxruntime-node's optional CUDA download (npm 10 runs install scripts).
    await sh("npm", [...NPM_INSTALL, tarball, "onnxruntime-node@~1.30.0", "sharp@^0.35.5", "@types/node@20", "--onnxruntime-node-install=skip"], app);
    console.log(`Node app node_modules: ${mb(await du(join(app, "node_modules")))}`);
  }, 300_000);

  it("stylizes a real photo from ESM and from CJS, with typed errors", async () => {
    const out = join(app, "out.png");
    const esm = await sh(process.execPath, ["esm.mjs", join(PHOTO_DIR, "coffee.png"), out], app, { ANIME2D_MODEL_DIR: MODEL_DIR, ANIME2D_OFFLINE: "1" });
    expect(JSON.parse(esm.stdout)).toEqual({ width: 600, height: 400, styles: 7 });
    expect(await sharp(out).metadata()).toMatchObject({ width: 600, height: 400, format: "png" });
    const cjs = await sh(process.execPath, ["cjs.cjs", join(PHOTO_DIR, "coffee.png")], app, { ANIME2D_MODEL_DIR: MODEL_DIR });
    expect(JSON.parse(cjs.stdout)).toEqual({ width: 600, png: true, typed: true });
  }, 180_000);

  it("type-checks under nodenext (ESM and CJS files) and node10, with skipLibCheck: false", async () => {
    await typecheck(app, "tsconfig.json");
    await typecheck(app, "tsconfig.node10.json");
  }, 120_000);

  it("the CLI runs from node_modules/.bin", async () => {
    const { stdout } = await sh(join(app, "node_modules/.bin/anime2d"), ["--list-styles"], app);
    expect(stdout).toMatch(/^hayao\s/m);
  }, 60_000);
});

describe("a Vite app (npm install anime2d onnxruntime-web)", () => {
  let app: string;
  beforeAll(async () => {
    app = join(base, "vite-app");
    await writeProject(app, VITE_APP);
    await sh("npm", [...NPM_INSTALL, tarball, "onnxruntime-web@~1.30.0"], app);
    console.log(`Vite app node_modules: ${mb(await du(join(app, "node_modules")))}`);
  }, 300_000);

  it("installs no onnxruntime-node, no sharp and no server packages", () => {
    for (const name of ["onnxruntime-node", "sharp", "@img", "fastify", "bullmq", "mediabunny"]) {
      expect(existsSync(join(app, "node_modules", name)), name).toBe(false);
    }
  });

  it("type-checks under moduleResolution bundler with skipLibCheck: false", async () => {
    await typecheck(app, "tsconfig.json");
  }, 120_000);

  it("builds with Vite, shipping one wasm file", async () => {
    const outDir = join(app, "dist");
    await build({ configFile: false, root: app, logLevel: "error", build: { outDir, emptyOutDir: true, rollupOptions: { input: join(app, "index.html") } } });
    const wasm = ((await readdir(outDir, { recursive: true })) as string[]).filter((f) => f.endsWith(".wasm"));
    expect(wasm.map((f) => f.replace(/^.*\/|-[\w-]{8}(?=\.wasm$)/g, ""))).toEqual(["ort-wasm-simd-threaded.wasm"]);
  }, 180_000);

  it("in Node, without onnxruntime-node and sharp, a call fails with RUNTIME_MISSING naming the install", async () => {
    const script = `
      const a = await import("anime2d");
      const styles = a.listStyles().length;
      const e = await a.stylize(${JSON.stringify(join(PHOTO_DIR, "coffee.png"))}).catch((e) => e);
      console.log(JSON.stringify({ styles, code: e.code, message: e.message }));`;
    const { stdout } = await sh(process.execPath, ["--input-type=module", "-e", script], app, { ANIME2D_MODEL_DIR: MODEL_DIR });
    const r = JSON.parse(stdout);
    expect(r.styles).toBe(7);
    expect(r.code).toBe("RUNTIME_MISSING");
    expect(r.message).toMatch(/npm install (sharp|onnxruntime-node)@/);
  }, 60_000);
});
