import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { OPTIONAL_PEERS, installHint } from "../../packages/node/src/optional.js";

describe("optional peer dependencies", () => {
  it("the install hints name exactly package.json's optional peers and ranges", () => {
    expect(OPTIONAL_PEERS).toEqual(pkg.peerDependencies);
    for (const name of Object.keys(pkg.peerDependencies)) {
      expect((pkg.peerDependenciesMeta as Record<string, { optional: boolean }>)[name], name).toEqual({ optional: true });
    }
    // The repository installs every peer for its own tests.
    for (const name of Object.keys(pkg.peerDependencies)) expect(Object.keys(pkg.devDependencies), name).toContain(name);
  });

  it("the onnxruntime-node hint skips its optional CUDA download", () => {
    expect(installHint(["onnxruntime-node", "sharp"])).toBe("npm install onnxruntime-node@~1.30.0 sharp@^0.35.5 --onnxruntime-node-install=skip");
  });
});
