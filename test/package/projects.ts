// The temporary projects of the packaging test: each is what a user writes after
// `npm install anime2d-<version>.tgz`, with its own tsconfig.

/** A Node app: ESM and CJS scripts that stylize a real photo, plus TypeScript files for nodenext and node10. */
export const NODE_APP = {
  "package.json": JSON.stringify({ name: "node-app", private: true, type: "module" }),
  "esm.mjs": `
import { stylize, listStyles } from "anime2d";
const out = await stylize(process.argv[2], { style: "cute" });
await out.toFile(process.argv[3]);
console.log(JSON.stringify({ width: out.width, height: out.height, styles: listStyles().length }));
`,
  "cjs.cjs": `
const { stylize, isAnime2dError } = require("anime2d");
(async () => {
  const out = await stylize(process.argv[2], { style: "whitebox" });
  const typed = await stylize(process.argv[2], { style: "hayaoo" }).catch((error) => isAnime2dError(error, "UNKNOWN_STYLE"));
  console.log(JSON.stringify({ width: out.width, png: (await out.toBuffer("png")).length > 1000, typed }));
})();
`,
  "src/app.mts": `
import { stylize, createStylizer, styleId, type StyleId, type AnimeImage } from "anime2d";
const style: StyleId = "shinkai";
const out: AnimeImage = await stylize("photo.jpg", { style, face: "auto", upscale: 2 });
await out.toFile("out.png");
// @ts-expect-error a typo in a style id is a compile error
await stylize("photo.jpg", { style: "hayaoo" });
const fromFlag = styleId(String(process.argv[2]));
await createStylizer({ style: fromFlag }).dispose();
declare module "anime2d" {
  interface CustomStyleIds { "my-style": true }
}
await stylize("photo.jpg", { style: "my-style" });
`,
  "src/legacy.cts": `
import anime2d = require("anime2d");
const run = async () => (await anime2d.stylize(Buffer.from([]), { style: "cute" })).toBuffer("png");
export = run;
`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] },
    include: ["src"],
  }),
  "tsconfig.node10.json": JSON.stringify({
    compilerOptions: { module: "commonjs", moduleResolution: "node10", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, esModuleInterop: true, types: ["node"] },
    files: ["src/node10.ts"],
  }),
  "src/node10.ts": `
import { stylize, listStyles } from "anime2d";
export const ids: string[] = listStyles().map((s) => s.id);
export const run = () => stylize("photo.jpg", { style: "whitebox" });
`,
};

/** A Vite app: main-thread and worker stylizers, opt-in WebGPU in a second module, bundler tsconfig. */
export const VITE_APP = {
  "package.json": JSON.stringify({ name: "vite-app", private: true, type: "module" }),
  "index.html": `<!doctype html><html><head><title>vite-app</title></head><body><script type="module" src="/src/main.ts"></script></body></html>`,
  "src/main.ts": `
import { createStylizer, env, listStyles, type StyleId, type WebAnimeImage } from "anime2d";
env.modelDir = "/models/";
const style: StyleId = listStyles()[0].id;
const stylizer = createStylizer({ worker: true });
export async function run(file: File): Promise<string> {
  const out: WebAnimeImage = await stylizer.stylize(file, { style, onProgress: (e) => console.log(e.stage, e.done, e.total) });
  return URL.createObjectURL(await out.toBlob("image/png"));
}
// @ts-expect-error a typo in a style id is a compile error
createStylizer({ style: "hayaoo" });
document.title = "styles " + listStyles().length;
`,
  "src/gpu.ts": `
import "anime2d/webgpu";
import { createStylizer } from "anime2d";
export const gpu = createStylizer({ backend: "webgpu" });
`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      module: "esnext", moduleResolution: "bundler", target: "es2022", lib: ["es2022", "dom", "dom.iterable"],
      strict: true, noEmit: true, skipLibCheck: false, isolatedModules: true, types: [],
    },
    include: ["src"],
  }),
};
