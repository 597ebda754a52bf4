import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/paths.js";

// The repository's own package must resolve as "anime2d" (self-reference) to the built Node adapter.
describe("the anime2d package", () => {
  it("resolves to the Node adapter under ESM and CJS", () => {
    const esm = execFileSync(process.execPath, ["--input-type=module", "-e", "const m = await import('anime2d'); const n = await import('anime2d/node'); console.log(JSON.stringify([import.meta.resolve('anime2d'), typeof m.stylize, m.stylize === n.stylize, m.listStyles().length]))"], { cwd: ROOT }).toString();
    const [url, type, same, count] = JSON.parse(esm);
    expect(url).toMatch(/dist\/node\/index\.js$/);
    expect([type, same, count]).toEqual(["function", true, 7]);

    const require = createRequire(`${ROOT}/package.json`);
    expect(require.resolve("anime2d")).toMatch(/dist[\\/]node[\\/]index\.cjs$/);
    const cjs = execFileSync(process.execPath, ["-e", "const a = require('anime2d'); console.log(typeof a.stylize, typeof a.createStylizer, a.listStyles()[0].id)"], { cwd: ROOT }).toString().trim();
    expect(cjs).toBe("function function hayao");
  });

  it("ships type declarations for every entry", () => {
    const pkg = JSON.parse(execFileSync(process.execPath, ["-p", "JSON.stringify(require('./package.json').exports)"], { cwd: ROOT }).toString());
    expect(pkg["."].node.import.types).toBe("./dist/node/index.d.ts");
    expect(pkg["./node"].require.types).toBe("./dist/node/index.d.cts");
  });
});
