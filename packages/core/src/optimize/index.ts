import { decodeModel, encodeModel } from "../onnx/model.js";
import { foldConstants } from "./fold-constants.js";
import { prune } from "./graph-tools.js";
import { fuseInstanceNorms } from "./instance-norm.js";
import { toNchw } from "./nchw-layout.js";
import { dropZeroPads } from "./zero-pads.js";
import { splitNarrowConvs } from "./narrow-conv.js";
import { subpixelUpsamples } from "./subpixel-upsample.js";

/**
 * The graph optimiser: exact rewrites that keep a generator's output (to float rounding) and
 * make ONNX Runtime run it faster. Each rewrite applies only where its pattern matches
 * exactly; everything else is left alone. Bump {@link OPTIMIZER_VERSION} whenever a rewrite
 * changes, so cached optimised files are rebuilt.
 * @module
 */
export const OPTIMIZER_VERSION = 1;

/** How many places each rewrite changed. */
export type OptimizeReport = Record<string, number>;

export function optimizeModel(model: Uint8Array): { bytes: Uint8Array; report: OptimizeReport } {
  const decoded = decodeModel(model);
  const graph = decoded.graph;
  const report: OptimizeReport = {};
  report.foldConstants = foldConstants(graph);
  report.nchwLayout = toNchw(graph);
  report.zeroPads = dropZeroPads(graph);
  report.instanceNorm = fuseInstanceNorms(graph);
  report.narrowConv = splitNarrowConvs(graph);
  report.subpixelUpsample = subpixelUpsamples(graph);
  prune(graph);
  return { bytes: encodeModel(decoded), report };
}
