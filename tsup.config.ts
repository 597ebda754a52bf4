import { cp } from "node:fs/promises";
import { defineConfig } from "tsup";

// The core is bundled into each adapter so the published package has no workspace
// dependencies. Runtime packages stay external: they carry native or wasm files (and tsup also
// leaves every dependency and peer dependency of package.json external). No source maps: the
// package ships no sources for them to point at.
const external = ["onnxruntime-node", "onnxruntime-web", "onnxruntime-common", "sharp", "ndarray"];
const shared = { sourcemap: false, external, noExternal: [/^@anime2d\//], target: "es2022" };

export default defineConfig([
  {
    // ESM: the API and the CLI share one chunk, so the CLI sees the same registry and env.
    ...shared,
    // The worker entry is found beside the API (dist/node/worker.js) by the ESM and CJS builds.
    entry: { index: "packages/node/src/index.ts", cli: "packages/node/src/cli/index.ts", worker: "packages/node/src/worker.ts" },
    outDir: "dist/node",
    format: ["esm"],
    platform: "node",
    dts: { entry: { index: "packages/node/src/index.ts" } },
    clean: true,
    // The page of `anime2d serve` is plain files, found beside the server's chunk.
    onSuccess: async () => void (await cp("packages/node/src/serve/ui", "dist/node/ui", { recursive: true })),
  },
  {
    ...shared,
    entry: { index: "packages/node/src/index.ts" },
    outDir: "dist/node",
    format: ["cjs"],
    platform: "node",
    // import.meta.url locates the worker entry in the CJS build too.
    shims: true,
    dts: { entry: { index: "packages/node/src/index.ts" } },
  },
  {
    // Browser: the worker is its own entry so bundlers can emit it from
    // `new Worker(new URL("./worker.js", import.meta.url))`.
    ...shared,
    // `webgpu` is the opt-in entry that alone references ONNX Runtime's WebGPU build.
    entry: { index: "packages/web/src/index.ts", worker: "packages/web/src/worker.ts", webgpu: "packages/web/src/webgpu.ts" },
    outDir: "dist/web",
    format: ["esm"],
    platform: "browser",
    dts: { entry: { index: "packages/web/src/index.ts", webgpu: "packages/web/src/webgpu.ts" } },
    clean: true,
  },
]);
