import { Anime2dError } from "../errors.js";
import type { RgbImage } from "../image.js";
import type { GraphSession, LoadedModel, TensorMap } from "../model-pool.js";
import { imageToTensor, paddedSize, tensorToImage } from "../tensor.js";
import { sampleMosaic, mosaicStep } from "./mosaic.js";
import { editGraph, listNodes, type GraphNode } from "../onnx/onnx-graph.js";

/**
 * Tone harmonisation by freezing the network's global statistics.
 *
 * Style generators normalise their features with statistics taken over the whole input
 * (instance/layer norm: `ReduceMean` over height and width). Run on a tile, they normalise with
 * the tile's statistics instead, and every tile comes out in its own tone and texture: an
 * output-space fix (matching colours to a low-resolution pass) measured only 31 dB. So the
 * graph is edited: one copy outputs every spatial mean, measured once on a full-resolution
 * mosaic of the image; a second copy takes those means as inputs in place of computing them,
 * so each tile is normalised as if it were part of the whole image.
 */
export interface FrozenStatistics {
  /** Runs the statistics graph on an image and returns the spatial means by name. */
  measure(image: RgbImage): Promise<TensorMap>;
  /** Runs the frozen graph on one tile with the given means. */
  runTile(tile: RgbImage, stats: TensorMap): Promise<RgbImage>;
  /** How many spatial means the graph has. */
  count: number;
}

/** Operators whose output is a mean over the whole feature map when their output shape does not follow the input's size. */
const STAT_OPS = new Set(["ReduceMean", "GlobalAveragePool"]);

const cache = new WeakMap<LoadedModel, Promise<FrozenStatistics | undefined>>();

/**
 * The model's statistics-frozen graphs, built once per loaded model; `undefined` when the model
 * has no global statistics (e.g. 2× upscalers), where plain tiles are already exact.
 */
export function frozenStatistics(model: LoadedModel): Promise<FrozenStatistics | undefined> {
  let built = cache.get(model);
  if (!built) {
    built = build(model);
    cache.set(model, built);
    built.catch(() => cache.delete(model));
  }
  return built;
}

async function build(model: LoadedModel): Promise<FrozenStatistics | undefined> {
  const { spec, bytes } = model;
  // Models not opened by a ModelPool cannot derive graphs; they run plain tiles.
  if (!bytes || !model.openDerived) return undefined;
  const openDerived = model.openDerived.bind(model);
  const candidates = listNodes(bytes).filter((n) => STAT_OPS.has(n.op) && n.outputs.length === 1);
  if (candidates.length === 0) return undefined;
  // Run once per image on a mosaic larger than a tile: no arena, so its memory is returned.
  const statsSession = await openDerived(editGraph(bytes, { addOutputs: candidates.map((n) => ({ name: n.outputs[0] })) }), { keepArena: false });
  const run = (image: RgbImage, session: GraphSession, extra: TensorMap, outputs: string[]) => {
    const w = paddedSize(image.width, spec.multipleOf, spec.minSize);
    const h = paddedSize(image.height, spec.multipleOf, spec.minSize);
    const dims = spec.input.layout === "NCHW" ? [1, 3, h, w] : [1, h, w, 3];
    return session.run({ ...extra, [spec.input.name]: { data: imageToTensor(image, spec.input, w, h), dims } }, outputs);
  };
  // A mean over the feature map has the same shape whatever the input size; per-pixel
  // reductions (over channels) do not. Two small probes of different height and width tell them apart.
  const names = candidates.map((n) => n.outputs[0]);
  const probe = (w: number, h: number) => run({ data: new Uint8ClampedArray(w * h * 3).fill(128), width: w, height: h }, statsSession, {}, names);
  const [a, b] = [await probe(96, 64), await probe(128, 96)];
  const global: GraphNode[] = candidates.filter((n) => sameDims(a[n.outputs[0]].dims, b[n.outputs[0]].dims));
  if (global.length === 0) return undefined;
  const statNames = global.map((n) => n.outputs[0]);
  const tileSession = await openDerived(
    editGraph(bytes, {
      removeNodes: new Set(global.map((n) => n.index)),
      addInputs: global.map((n) => ({ name: n.outputs[0], dims: a[n.outputs[0]].dims })),
    }),
  );
  return {
    count: global.length,
    measure: (image) => run(image, statsSession, {}, statNames),
    async runTile(tile, stats) {
      const out = (await run(tile, tileSession, stats, [spec.output.name]))[spec.output.name];
      const nchw = spec.output.layout === "NCHW";
      const [oh, ow] = nchw ? [out.dims[2], out.dims[3]] : [out.dims[1], out.dims[2]];
      const scale = spec.scale ?? 1;
      if (oh !== tile.height * scale || ow !== tile.width * scale) {
        throw new Anime2dError("MODEL_MISMATCH", `Model "${spec.id}" returned dims [${out.dims}] for a ${tile.width}×${tile.height} tile.`);
      }
      return tensorToImage(out.data, spec.output, ow, oh, ow, oh);
    },
  };
}

/**
 * Default pixel budget of the statistics mosaic (512²): large enough for stable statistics
 * (a 256² mosaic measured 28–32 dB), small enough to keep the peak memory of a 16 MP run flat.
 * Its patches are 128 px: 64 px patches add too many artificial edges (hayao-v2: 33.2 dB vs
 * 35.9 dB), 256 px patches are too few samples (27.7 dB).
 */
export const DEFAULT_STATS_PIXELS = 512 * 512;
/** Side of the mosaic's patches in input pixels (a multiple of every registered model's multiple). */
export const MOSAIC_PATCH = 128;

/**
 * Measures the whole image's statistics on a mosaic of full-resolution patches covering at
 * most a quarter of the image and about `pixels` (default 512²).
 */
export function measureStatistics(frozen: FrozenStatistics, image: RgbImage, pixels = DEFAULT_STATS_PIXELS, patch = MOSAIC_PATCH): Promise<TensorMap> {
  const budget = Math.min(pixels, (image.width * image.height) / 4);
  return frozen.measure(sampleMosaic(image, patch, mosaicStep(image.width, image.height, budget)));
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
