// Scripts that use the one-shot API from the built package (ESM and CJS) find the worker
// entry, stylize off the main thread and exit without calling dispose(): idle workers never
// keep a process alive.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MODEL_DIR, ROOT } from "../fixtures/paths.js";

const SCRIPT = (load: string) => `
${load}
const input = { data: new Uint8ClampedArray(48 * 32 * 3).fill(120), width: 48, height: 32, channels: 3 };
a.stylize(input, { style: "hayao" }).then((out) => console.log(JSON.stringify({ size: [out.width, out.height] })));
`;

async function runNode(args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 120_000, env: { ...process.env, ANIME2D_MODEL_DIR: resolve(MODEL_DIR) } });
  return JSON.parse(stdout.trim());
}

describe("the built package's worker pool", () => {
  it("works from CommonJS and exits on its own", async () => {
    expect(await runNode(["-e", SCRIPT(`const a = require("./dist/node/index.cjs");`)])).toEqual({ size: [48, 32] });
  });

  it("works from ESM and exits on its own", async () => {
    const script = SCRIPT(`const a = await import("./dist/node/index.js");`);
    expect(await runNode(["--input-type=module", "-e", script])).toEqual({ size: [48, 32] });
  });

  it("keeps the process alive while dispose() waits for idle workers to free their sessions", async () => {
    const script = `const a = await import("./dist/node/index.js");
const s = a.createStylizer({ workers: 2, threads: 1, style: "hayao" });
await s.warmup({ sizes: [32] });
await s.dispose();
console.log(JSON.stringify({ disposed: true }));`;
    expect(await runNode(["--input-type=module", "-e", script])).toEqual({ disposed: true });
  });
});
