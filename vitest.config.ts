import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@anime2d/core": src("./packages/core/src/index.ts"),
      "@anime2d/node": src("./packages/node/src/index.ts"),
      "@anime2d/web": src("./packages/web/src/index.ts"),
    },
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
