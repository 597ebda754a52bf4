import { Anime2dError, createStylizerFor, stylizeMany, type Stylizer, type StylizerOptions } from "@anime2d/core";
import { WebAnimeImage } from "./output.js";
import { webPlatform } from "./platform.js";
import { loadRuntime, type RuntimeInfo, type WebRuntimeOptions } from "./runtime.js";

/** A browser stylizer: results are {@link WebAnimeImage}s. */
export interface WebStylizer extends Stylizer<WebAnimeImage> {
  /** The runtime in use (backend, threads, isolation); starts it when needed. */
  runtimeInfo(): Promise<RuntimeInfo>;
}

/** Throws `UNSUPPORTED` outside a browser page or worker (e.g. in a Node SSR build). */
export function assertBrowser(): void {
  const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
  if (g.window === undefined && g.WorkerGlobalScope === undefined) {
    throw new Anime2dError("UNSUPPORTED", "anime2d/web runs in browsers (pages and workers); in Node import \"anime2d\" or \"anime2d/node\".");
  }
}

/**
 * A stylizer on this thread. ONNX Runtime Web is configured on first use, so creating one is
 * cheap and free of side effects.
 */
export function createLocalStylizer(options: StylizerOptions & WebRuntimeOptions = {}): WebStylizer {
  const { backend, wasmPaths, threads, ...rest } = options;
  let runtime: ReturnType<typeof loadRuntime> | undefined;
  let inner: Promise<{ stylizer: Stylizer; platform: ReturnType<typeof webPlatform> }> | undefined;
  const start = () => (runtime ??= loadRuntime({ backend, wasmPaths, threads }));
  const ready = () =>
    (inner ??= start().then((rt) => {
      const platform = webPlatform(rt);
      return { platform, stylizer: createStylizerFor(platform, { ...rest, threads }) };
    }));
  const stylizer: WebStylizer = {
    async stylize(input, callOptions) {
      assertBrowser();
      const { stylizer, platform } = await ready();
      const out = await stylizer.stylize(input, callOptions);
      return new WebAnimeImage(out.toRawImage(), platform);
    },
    async detectFaces(input, callOptions) {
      assertBrowser();
      return (await ready()).stylizer.detectFaces(input, callOptions);
    },
    async upscale(input, callOptions) {
      assertBrowser();
      const { stylizer, platform } = await ready();
      return new WebAnimeImage((await stylizer.upscale(input, callOptions)).toRawImage(), platform);
    },
    stylizeMany: (inputs, batchOptions) => stylizeMany(stylizer, inputs, batchOptions),
    async warmup(warmupOptions) {
      assertBrowser();
      await (await ready()).stylizer.warmup(warmupOptions);
    },
    async runtimeInfo() {
      return (await start()).info;
    },
    async dispose() {
      const current = inner;
      inner = undefined;
      if (current) await (await current).stylizer.dispose();
    },
  };
  return stylizer;
}
