import { Anime2dError } from "../errors.js";
import { FLOAT, INT32, INT8, UINT8, type Graph, type Node, type Tensor } from "../onnx/model.js";
import { attr, constantFloats, consumers, intAttr, nameMaker, node, producers } from "./graph-tools.js";

/**
 * Static INT8 (QDQ) on top of the rewritten graph. Every Conv with constant weights gets
 * QuantizeLinear → DequantizeLinear on its input and output (uint8, per-tensor scale and zero
 * point calibrated once at build time, `models/int8/<file>.json`) and DequantizeLinear on its
 * weights (int8, symmetric, per output channel, quantized here from the fp32 weights, so no
 * quantized weights are ever shipped) and bias (int32 at input scale × weight scale). ONNX
 * Runtime fuses each such group into one QLinearConv; tensors between groups stay uint8.
 * Reflect/edge Pads feeding a quantized Conv move behind the QuantizeLinear: they only copy
 * values, so they pad the uint8 tensor (a quarter of the bytes) with the same scale.
 */

/** Calibrated activation ranges of one model's optimised graph. */
export interface Int8Params {
  /** The optimiser version the tensor names belong to (names change with the rewrites). */
  optimizerVersion: number;
  /** Per tensor: scale and uint8 zero point. */
  activations: Record<string, { scale: number; zeroPoint: number }>;
}

/**
 * Convs over fewer input channels stay fp32: a generator's first conv (RGB in) ran slower as
 * QLinearConv than in fp32 (24 vs 17 ms at 512²), quantizing the photo itself costs quality.
 */
const MIN_INT8_CHANNELS = 8;

/** Convs the QDQ pass quantizes: constant 4-D float weights, optional constant bias. */
export function quantizableConvs(graph: Graph): Node[] {
  return graph.nodes.filter((n) => {
    if (n.op !== "Conv" || n.outputs.length !== 1) return false;
    const w = graph.initializers.get(n.inputs[1]);
    if (!w || w.dims.length !== 4 || !constantFloats(graph, n.inputs[1])) return false;
    if (w.dims[1] < MIN_INT8_CHANNELS) return false;
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
  /** The scale and zero-point initializers of one quantized tensor. */
  const quantParams = (base: string, q: { scale: number; zeroPoint: number }) => {
    const s = fresh(`${base}__scale`);
    const z = fresh(`${base}__zp`);
    graph.initializers.set(s, scalar(s, FLOAT, q.scale));
    graph.initializers.set(z, scalar(z, UINT8, q.zeroPoint));
    return { s, z };
  };
  const addQdq = (out: Node[], from: string, to: string, q: { scale: number; zeroPoint: number }) => {
    const { s, z } = quantParams(to, q);
    const quantized = fresh(`${to}__u8`);
    out.push(node("QuantizeLinear", [from, s, z], [quantized]), node("DequantizeLinear", [quantized, s, z], [to]));
  };
  const padChains = copyingPadChains(graph, targets);
  const quantizeBefore = new Map([...padChains.values()].map((chain) => [chain[0], chain]));
  const chained = new Set([...padChains.values()].flat());
  let count = 0;
  const nodes: Node[] = [];
  for (const n of graph.nodes) {
    const chain = quantizeBefore.get(n);
    if (chain) {
      // Q on the chain's input, every Pad on uint8, DQ at its end (read by the Conv below).
      const q = acts[chain[chain.length - 1].outputs[0]];
      const u8 = (name: string) => `${name}__u8pad`;
      const head = fresh(`${chain[0].inputs[0]}__q`);
      const { s, z } = quantParams(head, q);
      nodes.push(node("QuantizeLinear", [chain[0].inputs[0], s, z], [head]));
      chain.forEach((pad, i) => nodes.push({ ...pad, inputs: [i === 0 ? head : u8(chain[i - 1].outputs[0]), ...pad.inputs.slice(1)], outputs: [u8(pad.outputs[0])] }));
      const end = chain[chain.length - 1].outputs[0];
      const dq = fresh(`${end}__dq`);
      nodes.push(node("DequantizeLinear", [u8(end), s, z], [dq]));
      dequantized.set(end, dq);
      continue;
    }
    if (chained.has(n)) continue;
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

/**
 * For each quantized Conv fed by a chain of reflect/edge Pads that nothing else reads, the chain
 * (first Pad first), keyed by its Conv. Such Pads copy values and never make new ones, so the
 * Conv input's calibrated range holds for the chain's input too.
 */
function copyingPadChains(graph: Graph, targets: Set<Node>): Map<Node, Node[]> {
  const made = producers(graph);
  const readers = consumers(graph);
  const chains = new Map<Node, Node[]>();
  for (const conv of targets) {
    const chain: Node[] = [];
    for (let pad = made.get(conv.inputs[0]); pad && isCopyingPad(graph, pad) && readers.get(pad.outputs[0])?.length === 1; pad = made.get(pad.inputs[0])) {
      chain.unshift(pad);
    }
    if (chain.length > 0 && !graph.initializers.has(chain[0].inputs[0])) chains.set(conv, chain);
  }
  return chains;
}

function isCopyingPad(graph: Graph, n: Node): boolean {
  const mode = attr(n, "mode")?.s;
  return n.op === "Pad" && n.inputs.length === 2 && graph.initializers.has(n.inputs[1]) && (mode === "reflect" || mode === "edge");
}

/** Throws unless the params were calibrated on this optimiser's graph. */
export function checkInt8Params(params: Int8Params, optimizerVersion: number, file: string): void {
  if (params.optimizerVersion !== optimizerVersion)
    throw new Anime2dError("MODEL_MISMATCH", `The INT8 calibration of ${file} was made for optimiser version ${params.optimizerVersion}, not ${optimizerVersion}; re-run scripts/calibrate-int8.mjs.`);
}
