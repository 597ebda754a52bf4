import { Anime2dError } from "../errors.js";
import { FLOAT, INT32, INT8, UINT8, type Graph, type Node, type Tensor } from "../onnx/model.js";
import { constantFloats, intAttr, nameMaker, node } from "./graph-tools.js";

/**
 * Static INT8 (QDQ) on top of the rewritten graph. Every Conv with constant weights gets
 * QuantizeLinear → DequantizeLinear on its input and output (uint8, per-tensor scale and zero
 * point calibrated once at build time, `models/int8/<file>.json`) and DequantizeLinear on its
 * weights (int8, symmetric, per output channel, quantized here from the fp32 weights, so no
 * quantized weights are ever shipped) and bias (int32 at input scale × weight scale). ONNX
 * Runtime fuses each such group into one QLinearConv; tensors between groups stay uint8.
 */

/** Calibrated activation ranges of one model's optimised graph. */
export interface Int8Params {
  /** The optimiser version the tensor names belong to (names change with the rewrites). */
  optimizerVersion: number;
  /** Per tensor: scale and uint8 zero point. */
  activations: Record<string, { scale: number; zeroPoint: number }>;
}

/** Convs the QDQ pass quantizes: constant 4-D float weights, optional constant bias. */
export function quantizableConvs(graph: Graph): Node[] {
  return graph.nodes.filter((n) => {
    if (n.op !== "Conv" || n.outputs.length !== 1) return false;
    const w = graph.initializers.get(n.inputs[1]);
    if (!w || w.dims.length !== 4 || !constantFloats(graph, n.inputs[1])) return false;
    return !n.inputs[2] || !!constantFloats(graph, n.inputs[2]);
  });
}

/** The activations calibration has to measure: each quantizable Conv's input and output. */
export function calibrationTensors(graph: Graph): string[] {
  return [...new Set(quantizableConvs(graph).flatMap((n) => [n.inputs[0], n.outputs[0]]))];
}

/** A uint8 scale/zero point covering [min, max] (0 always representable, as ONNX requires). */
export function activationRange(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = Math.max(hi - lo, 1e-8) / 255;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

const scalar = (name: string, dataType: number, v: number): Tensor => ({ name, dims: [], dataType, data: dataType === FLOAT ? Float32Array.of(v) : [v] });

/** Inserts the QDQ nodes; returns how many Convs were quantized. */
export function insertQdq(graph: Graph, params: Int8Params): number {
  const fresh = nameMaker(graph);
  const acts = params.activations;
  // Tensors already available dequantized (a quantized Conv's output feeding the next Conv).
  const dequantized = new Map<string, string>();
  const targets = new Set(quantizableConvs(graph).filter((n) => acts[n.inputs[0]] && acts[n.outputs[0]]));
  const addQdq = (out: Node[], from: string, to: string, q: { scale: number; zeroPoint: number }) => {
    const s = fresh(`${to}__scale`);
    const z = fresh(`${to}__zp`);
    const quantized = fresh(`${to}__u8`);
    graph.initializers.set(s, scalar(s, FLOAT, q.scale));
    graph.initializers.set(z, scalar(z, UINT8, q.zeroPoint));
    out.push(node("QuantizeLinear", [from, s, z], [quantized]), node("DequantizeLinear", [quantized, s, z], [to]));
  };
  let count = 0;
  const nodes: Node[] = [];
  for (const n of graph.nodes) {
    if (!targets.has(n)) {
      nodes.push(n);
      continue;
    }
    const [x, wName, bName] = n.inputs;
    const y = n.outputs[0];
    let xdq = dequantized.get(x);
    if (!xdq) {
      xdq = fresh(`${x}__dq`);
      addQdq(nodes, x, xdq, acts[x]);
      dequantized.set(x, xdq);
    }
    const w = constantFloats(graph, wName)!;
    const dims = graph.initializers.get(wName)!.dims;
    const cout = dims[0];
    const per = w.length / cout;
    const wScale = new Float32Array(cout);
    const wq = new Int8Array(w.length);
    for (let o = 0; o < cout; o++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(w[o * per + i]));
      const s = m > 0 ? m / 127 : 1;
      wScale[o] = s;
      for (let i = 0; i < per; i++) wq[o * per + i] = Math.max(-127, Math.min(127, Math.round(w[o * per + i] / s)));
    }
    const names = { wq: fresh(`${wName}__s8`), ws: fresh(`${wName}__scale`), wz: fresh(`${wName}__zp`), wdq: fresh(`${wName}__dq`) };
    graph.initializers.set(names.wq, { name: names.wq, dims, dataType: INT8, data: wq });
    graph.initializers.set(names.ws, { name: names.ws, dims: [cout], dataType: FLOAT, data: wScale });
    graph.initializers.set(names.wz, { name: names.wz, dims: [cout], dataType: INT8, data: new Int8Array(cout) });
    nodes.push(node("DequantizeLinear", [names.wq, names.ws, names.wz], [names.wdq], [intAttr("axis", 0)]));
    const inputs = [xdq, names.wdq];
    if (bName) {
      // The bias in int32 at the accumulator's scale, so the fused QLinearConv adds it exactly.
      const b = constantFloats(graph, bName)!;
      const bScale = Float32Array.from(wScale, (s) => s * acts[x].scale);
      const bq = Array.from(b, (v, o) => Math.round(v / bScale[o]));
      const bn = { q: fresh(`${bName}__s32`), s: fresh(`${bName}__scale`), z: fresh(`${bName}__zp`), dq: fresh(`${bName}__dq`) };
      graph.initializers.set(bn.q, { name: bn.q, dims: [cout], dataType: INT32, data: bq });
      graph.initializers.set(bn.s, { name: bn.s, dims: [cout], dataType: FLOAT, data: bScale });
      graph.initializers.set(bn.z, { name: bn.z, dims: [cout], dataType: INT32, data: new Array(cout).fill(0) });
      nodes.push(node("DequantizeLinear", [bn.q, bn.s, bn.z], [bn.dq], [intAttr("axis", 0)]));
      inputs.push(bn.dq);
    }
    const raw = fresh(`${y}__f32`);
    nodes.push({ ...n, name: raw, inputs, outputs: [raw] });
    addQdq(nodes, raw, y, acts[y]);
    dequantized.set(y, y);
    count++;
  }
  graph.nodes = nodes;
  return count;
}

/** Throws unless the params were calibrated on this optimiser's graph. */
export function checkInt8Params(params: Int8Params, optimizerVersion: number, file: string): void {
  if (params.optimizerVersion !== optimizerVersion)
    throw new Anime2dError("MODEL_MISMATCH", `The INT8 calibration of ${file} was made for optimiser version ${params.optimizerVersion}, not ${optimizerVersion}; re-run scripts/calibrate-int8.mjs.`);
}
