import * as ortWasm from "onnxruntime-web/wasm";
import type { OrtModule } from "@anime2d/core";

/** Which ONNX Runtime Web execution provider runs the models. */
export type WebBackend = "wasm" | "webgpu";

/** Where ONNX Runtime Web finds its `.wasm` and `.mjs` files: a folder URL or one URL per file. */
export type WasmPaths = string | { wasm?: string; mjs?: string };

/** Runtime choices of the browser adapter; defaults come from {@link webEnv}. */
export interface WebRuntimeOptions {
  /** `"wasm"` (default) or `"webgpu"`; WebGPU falls back to wasm, logging why, when unavailable. */
  backend?: WebBackend;
  /** Self-hosted ONNX Runtime Web files (see docs/browser.md); bundlers' asset URLs when unset. */
  wasmPaths?: WasmPaths;
  /**
   * wasm threads. Default: every core (at most 4) when the page is cross-origin isolated,
   * else 1 (SharedArrayBuffer needs isolation). Applies when the runtime first starts.
   */
  threads?: number;
}

/** Browser-wide runtime defaults, in the spirit of `env`; change them before the first call. */
export const webEnv: Required<Pick<WebRuntimeOptions, "backend">> & Omit<WebRuntimeOptions, "backend"> & {
  /** Receives notices such as a WebGPU fallback; `console.warn` by default. */
  log: (message: string) => void;
} = {
  backend: "wasm",
  wasmPaths: undefined,
  threads: undefined,
  log: (message) => console.warn(message),
};

/** The runtime a stylizer ended up with. */
export interface RuntimeInfo {
  backend: WebBackend;
  threads: number;
  crossOriginIsolated: boolean;
  /** Why a requested WebGPU backend was not used. */
  fallbackReason?: string;
}

/** An ONNX Runtime Web module, configured, plus the execution providers to ask for. */
export interface WebRuntime {
  ort: OrtModule;
  executionProviders: string[];
  info: RuntimeInfo;
}

/** Where ONNX Runtime runs: the page's own thread, or a worker (ours guards its thread workers). */
export type RuntimePlace = "page" | "worker";

function currentPlace(): RuntimePlace {
  return typeof (globalThis as { document?: unknown }).document === "undefined" ? "worker" : "page";
}

/** The WebGPU build of ONNX Runtime Web, once an app has imported "anime2d/webgpu". */
let webgpuRuntime: (() => Promise<typeof ortWasm>) | undefined;

/**
 * Makes `backend: "webgpu"` available; called by the "anime2d/webgpu" entry. The WebGPU build
 * (and its 27 MB asyncify wasm) is only referenced from there, so a bundler ships it only to
 * apps that import that entry.
 */
export function provideWebGpuRuntime(load: () => Promise<typeof ortWasm>): void {
  webgpuRuntime = load;
}

/**
 * Picks and configures ONNX Runtime Web. The wasm build is imported statically: it is the one
 * without `new Function` (CSP-safe). The WebGPU build is only used when the app imported
 * "anime2d/webgpu" and asked for `backend: "webgpu"`.
 */
export async function loadRuntime(options: WebRuntimeOptions = {}, place: RuntimePlace = currentPlace()): Promise<WebRuntime> {
  const requested = options.backend ?? webEnv.backend;
  const isolated = globalThis.crossOriginIsolated === true;
  const wasmPaths = options.wasmPaths ?? webEnv.wasmPaths;
  const threads = threadCount(isolated, options.threads ?? webEnv.threads, wasmPaths, place);
  let fallbackReason: string | undefined;
  if (requested === "webgpu") {
    fallbackReason = webgpuRuntime ? await webgpuUnavailable() : 'the WebGPU runtime is not bundled: add `import "anime2d/webgpu"` to the app';
    if (!fallbackReason) {
      const ortGpu = await webgpuRuntime!();
      configure(ortGpu.env, threads, wasmPaths);
      return { ort: ortGpu, executionProviders: ["webgpu", "wasm"], info: { backend: "webgpu", threads, crossOriginIsolated: isolated } };
    }
    webEnv.log(`[anime2d] WebGPU was requested but is unavailable (${fallbackReason}); using wasm.`);
  }
  configure(ortWasm.env, threads, wasmPaths);
  return { ort: ortWasm, executionProviders: ["wasm"], info: { backend: "wasm", threads, crossOriginIsolated: isolated, fallbackReason } };
}

/**
 * wasm threads need SharedArrayBuffer (a cross-origin-isolated page). On the page's own thread
 * they also need ONNX Runtime's own script: without `wasmPaths`, ONNX Runtime starts its thread
 * workers from the app bundle, which runs the page's code there, fails (`document is not
 * defined`) and leaves session creation waiting forever. Our worker script guards against that,
 * so only the page thread without `wasmPaths` stays on one thread, with a note.
 */
function threadCount(isolated: boolean, wanted: number | undefined, wasmPaths: WasmPaths | undefined, place: RuntimePlace): number {
  if (!isolated) return 1;
  const threads = wanted ?? defaultThreads();
  if (threads > 1 && place === "page" && wasmPaths === undefined) {
    webEnv.log(
      "[anime2d] Using 1 wasm thread: on the page's thread, wasm threads need self-hosted ONNX Runtime files " +
        '(webEnv.wasmPaths, see docs/browser.md); createStylizer({ worker: true }) gets threads without them.',
    );
    return 1;
  }
  return threads;
}

function defaultThreads(): number {
  return Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1));
}

function configure(env: typeof ortWasm.env, threads: number, wasmPaths: WasmPaths | undefined): void {
  env.wasm.numThreads = threads;
  if (wasmPaths !== undefined) env.wasm.wasmPaths = wasmPaths;
}

async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (!gpu) return "navigator.gpu is missing: the browser has no WebGPU, or the page is not a secure context";
  try {
    return (await gpu.requestAdapter()) ? undefined : "no WebGPU adapter (GPU blocked or absent)";
  } catch (error) {
    return `requestAdapter() failed: ${(error as Error).message}`;
  }
}
