import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/paths.js";

const SERVER_PACKAGES = /^(fastify|@fastify\/|bullmq|ioredis)/;

/** Bare packages a built ESM file imports statically, following its own relative chunks. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const [, specifier] of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gm)) {
    if (!specifier) continue;
    if (specifier.startsWith(".")) for (const p of staticImports(join(file, "..", specifier), seen)) packages.add(p);
    else packages.add(specifier);
  }
  return packages;
}

describe("import \"anime2d\" does not load the server", () => {
  it("the ESM build imports Fastify, BullMQ and ioredis only from createServer()", () => {
    const packages = [...staticImports(join(ROOT, "dist/node/index.js"))];
    // The walk does follow the entry's chunks: the worker pool's transport is imported statically.
    expect(packages).toContain("worker_threads");
    expect(packages.filter((p) => SERVER_PACKAGES.test(p))).toEqual([]);
  });

  it("the CJS build requires none of them when loaded", async () => {
    const script = "require('./dist/node/index.cjs'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](fastify|@fastify|bullmq|ioredis)[\\\\/]/.test(k))))";
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
