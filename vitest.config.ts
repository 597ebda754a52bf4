import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@anime2d\/core$/, replacement: src("./packages/core/src/index.ts") },
      { find: /^@anime2d\/core\/public$/, replacement: src("./packages/core/src/public.ts") },
      { find: /^@anime2d\/node$/, replacement: src("./packages/node/src/index.ts") },
      { find: /^@anime2d\/web$/, replacement: src("./packages/web/src/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Models run on 2 cores; parallel files would only fight for them.
    fileParallelism: false,
    pool: "forks",
  },
});
