// A tiny app that imports "anime2d" as an installed package would (node_modules/anime2d links to
// this repository), built by Vite in production mode. Shared by the wasm-files and
// cross-origin-isolation tests; bundle.test.ts keeps its own.
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "vite";
import { ROOT, TEST_OUTPUT } from "../browser/paths.js";

/** Creates `test-output/<name>` holding index.html and src/main.js; returns its folder. */
export async function createTinyApp(name: string, main: string): Promise<string> {
  if (!existsSync(join(ROOT, "dist/web/index.js"))) throw new Error("dist/web is missing: run `npx tsup` first.");
  const app = join(TEST_OUTPUT, name);
  await rm(app, { recursive: true, force: true });
  await mkdir(join(app, "src"), { recursive: true });
  await mkdir(join(app, "node_modules"), { recursive: true });
  await symlink(ROOT, join(app, "node_modules", "anime2d"), "dir");
  await writeFile(join(app, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  await writeFile(join(app, "src/main.js"), main);
  await writeFile(join(app, "index.html"), `<!doctype html><html><head><title>tiny</title></head><body><script type="module" src="/src/main.js"></script></body></html>`);
  return app;
}

/** Builds the app with Vite (production, default options); returns the output folder. */
export async function buildWithVite(app: string): Promise<string> {
  const outDir = join(app, "dist");
  await build({ configFile: false, root: app, logLevel: "error", build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** The `.wasm` files of a build, with their sizes in bytes. */
export async function wasmFiles(dir: string): Promise<{ file: string; bytes: number }[]> {
  const files = ((await readdir(dir, { recursive: true })) as string[]).filter((f) => f.endsWith(".wasm")).sort();
  return Promise.all(files.map(async (file) => ({ file, bytes: (await stat(join(dir, file))).size })));
}
