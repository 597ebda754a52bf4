import { Anime2dError } from "@anime2d/core";

/**
 * The optional peer dependencies the Node side loads on demand, with the version range to
 * install. They are optional peers so that a browser app never installs them (onnxruntime-node
 * alone is 288 MB); a Node app names the ones it uses. Kept equal to package.json's
 * `peerDependencies` by test/package/peers.test.ts.
 */
export const OPTIONAL_PEERS = {
  "onnxruntime-node": "~1.30.0",
  sharp: "^0.35.5",
  "onnxruntime-web": "~1.30.0",
  fastify: "^5.12.8",
  "@fastify/multipart": "^10.1.9",
  "@fastify/static": "^10.1.11",
  bullmq: "^6.7.0",
  ioredis: "^5.11.1",
  mediabunny: "^1.61.0",
} as const;

/** A package name from {@link OPTIONAL_PEERS}. */
export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/** The `npm install` line that provides the given peers. */
export function installHint(names: readonly OptionalPeer[]): string {
  const onnx = names.includes("onnxruntime-node") ? " --onnxruntime-node-install=skip" : "";
  return `npm install ${names.map((n) => `${n}@${OPTIONAL_PEERS[n]}`).join(" ")}${onnx}`;
}

/**
 * Imports an optional peer once. The import is a literal in the caller (`() => import("sharp")`)
 * so bundlers still see it; a missing or broken package becomes `RUNTIME_MISSING` naming the
 * install command, instead of a bare module-not-found from deep inside a call.
 */
export function optionalPeer<T>(name: OptionalPeer, purpose: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw missingPeer(name, purpose, error);
    }));
}

function missingPeer(name: OptionalPeer, purpose: string, error: unknown): Anime2dError {
  const { code, message } = error as { code?: string; message?: string };
  const absent = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(message).includes(`'${name}`);
  const why = absent ? "is not installed" : `could not be loaded (${message ?? error})`;
  return new Anime2dError("RUNTIME_MISSING", `anime2d needs the package "${name}" ${purpose}, and it ${why}. Install it: ${installHint([name])}`, { cause: error });
}
