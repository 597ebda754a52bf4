import { decodeModel, encodeModel } from "../onnx/model.js";
import { foldConstants } from "./fold-constants.js";
import { prune } from "./graph-tools.js";
import { fuseInstanceNorms, type FusedNorm } from "./instance-norm.js";
import { NCHWC_DOMAIN, toBlockedLayout } from "./blocked-layout.js";
import { toNchw } from "./nchw-layout.js";
import { dropZeroPads } from "./zero-pads.js";
import { splitNarrowConvs } from "./narrow-conv.js";
import { subpixelUpsamples } from "./subpixel-upsample.js";
import { calibrationTensors, checkInt8Params, insertQdq, type Int8Params } from "./int8-qdq.js";
import { stringField } from "../onnx/protobuf.js";

/**
 * The graph optimiser: exact rewrites that keep a generator's output (to float rounding) and
 * make ONNX Runtime run it faster. Each rewrite applies only where its pattern matches
 * exactly; everything else is left alone. Bump {@link OPTIMIZER_VERSION} whenever a rewrite
 * changes, so cached optimised files are rebuilt.
 * @module
 */
export const OPTIMIZER_VERSION = 4;

/** How many places each rewrite changed. */
export type OptimizeReport = Record<string, number>;

/** What to build besides the exact rewrites. */
export interface OptimizeOptions {
  /** Static INT8 (QDQ) with these calibrated ranges (see int8-qdq.ts). */
  int8?: Int8Params;
  /**
   * For calibration only: expose every activation the INT8 pass quantizes as a graph output,
   * so one run measures their ranges.
   */
  exposeCalibrationTensors?: boolean;
  /**
   * ONNX Runtime's NCHWc block size on this machine (see block-size.ts): when given, the fp32
   * graph is written in that blocked layout (blocked-layout.ts). The result runs only on an
   * ONNX Runtime build with the same block size.
   */
  blockSize?: number;
}

export interface OptimizeResult {
  bytes: Uint8Array;
  report: OptimizeReport;
  /** With `blockSize`: the graph before the blocked layout (what runs where blocks differ). */
  plain?: Uint8Array;
  calibrationTensors?: string[];
}

export function optimizeModel(model: Uint8Array, options: OptimizeOptions = {}): OptimizeResult {
  const decoded = decodeModel(model);
  const graph = decoded.graph;
  const report: OptimizeReport = {};
  report.foldConstants = foldConstants(graph);
  report.nchwLayout = toNchw(graph);
  report.zeroPads = dropZeroPads(graph);
  const norms: FusedNorm[] = [];
  report.instanceNorm = fuseInstanceNorms(graph, norms);
  report.narrowConv = splitNarrowConvs(graph);
  report.subpixelUpsample = subpixelUpsamples(graph);
  prune(graph);
  if (options.int8) {
    checkInt8Params(options.int8, OPTIMIZER_VERSION, "this model");
    report.int8Convs = insertQdq(graph, options.int8);
    prune(graph);
    // DequantizeLinear's per-channel axis needs opset 13.
    return { bytes: encodeModel(decoded, { "": 13, "ai.onnx": 13 }), report };
  }
  if (options.blockSize && !options.exposeCalibrationTensors) {
    const plain = encodeModel(decoded);
    const blocked = toBlockedLayout(graph, options.blockSize, norms);
    if (!blocked.converted) return { bytes: plain, report, plain };
    report.blockedLayout = blocked.converted;
    report.shiftedNorms = blocked.shiftedNorms;
    prune(graph);
    return { bytes: encodeModel(decoded, {}, { [NCHWC_DOMAIN]: 1 }), report, plain };
  }
  if (options.exposeCalibrationTensors) {
    const names = calibrationTensors(graph).filter((n) => !graph.outputs.some((o) => o.name === n));
    // A ValueInfo with only a name: ONNX Runtime infers the type.
    for (const name of names) graph.outputs.push({ name, bytes: stringField(1, name) });
    return { bytes: encodeModel(decoded), report, calibrationTensors: names };
  }
  return { bytes: encodeModel(decoded), report };
}
