import type { Face, DetectFacesOptions } from "../face/detect.js";
import type { UpscaleOptions } from "../finish/upscale-api.js";
import type { RawImage } from "../image.js";
import type { ImageInput } from "../input.js";
import type { AnimeImage } from "../output.js";
import type { StylizeOptions } from "../pipeline.js";
import type { ProgressCallback } from "../progress.js";
import type { Stylizer } from "../stylizer.js";
import { stylizeMany } from "../batch.js";
import type { WorkerPool } from "./pool.js";
import { splitOptions, type WireResult } from "./protocol.js";

/** How an adapter sends inputs and receives results through a {@link WorkerPool}. */
export interface PooledStylizerOptions<Image extends AnimeImage> {
  pool: WorkerPool;
  /** Defaults merged under each call's options. */
  defaults?: StylizeOptions;
  /** Turns an input into something structured clone carries, and the buffers to move. */
  prepareInput(input: ImageInput): Promise<[unknown, Transferable[]]> | [unknown, Transferable[]];
  /** Wraps result pixels in the platform's result class. */
  toImage(image: RawImage): Image;
}

/** A stylizer whose every operation runs in the pool's workers. */
export function createPooledStylizer<Image extends AnimeImage>(options: PooledStylizerOptions<Image>): Stylizer<Image> {
  const { pool, defaults = {}, prepareInput, toImage } = options;
  const { signal: defaultSignal, onProgress: defaultProgress } = defaults;

  async function call(op: string, input: ImageInput, callOptions: object | undefined): Promise<WireResult> {
    const { wire, signal = defaultSignal, onProgress = defaultProgress } = splitOptions(callOptions as { signal?: AbortSignal; onProgress?: ProgressCallback });
    const [message, transfer] = await prepareInput(input);
    return pool.run({ op, input: message, options: wire as Record<string, unknown>, transfer, signal, onProgress });
  }
  const image = (result: WireResult) => toImage((result as Extract<WireResult, { kind: "image" }>).image);
  const value = (result: WireResult) => (result as Extract<WireResult, { kind: "value" }>).value;
  const { signal: _s, onProgress: _p, ...wireDefaults } = defaults;

  const stylizer: Stylizer<Image> = {
    stylize: async (input, callOptions) => image(await call("stylize", input, { ...wireDefaults, ...callOptions })),
    detectFaces: async (input, callOptions?: DetectFacesOptions) => value(await call("detectFaces", input, callOptions)) as Face[],
    upscale: async (input, callOptions?: UpscaleOptions) => image(await call("upscale", input, callOptions)),
    stylizeMany: (inputs, batchOptions) => stylizeMany(stylizer, inputs, { concurrency: pool.size, ...batchOptions }),
    async warmup(warmupOptions = {}) {
      const { wire, signal, onProgress } = splitOptions(warmupOptions);
      await pool.runOnEach({ op: "warmup", input: undefined, options: wire as Record<string, unknown>, signal, onProgress });
    },
    dispose: () => pool.dispose(),
  };
  return stylizer;
}
