import { floatTensor, int64Tensor, values, type Graph, type Node } from "../onnx/model.js";
import { attr, constantFloats, intsAttr, nameMaker, node, sameInts } from "./graph-tools.js";

/**
 * Stores activations channels-first. Converters from TensorFlow keep the graph NHWC and wrap
 * every Conv (and Resize) in a Transpose pair; ONNX Runtime then adds its own layout reorders.
 * Here every tensor is tracked as either stored as-is or stored NCHW (its logical NHWC value
 * transposed by [0,3,1,2]): Transposes between the two become renames, and layout-agnostic
 * ops (elementwise, reductions over known axes, pads, Shape) run on the NCHW copy with their
 * axes, pads and per-channel constants remapped. Any other reader of an NCHW-stored tensor
 * gets it transposed back, so an op this pass does not know is never wrong, only not faster.
 */

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** Logical NHWC axis → axis in the NCHW-stored tensor. */
const AXIS = [0, 2, 3, 1];

const ELEMENTWISE = new Set(["Add", "Sub", "Mul", "Div", "LeakyRelu", "Relu", "Sqrt", "Tanh", "Sigmoid", "Neg", "Abs", "Reciprocal", "Identity", "Exp", "Log"]);
const REDUCE = new Set(["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"]);

interface Stored {
  name: string;
  nchw: boolean;
}

export function toNchw(graph: Graph): number {
  const fresh = nameMaker(graph);
  const stored = new Map<string, Stored>();
  const backToNhwc = new Map<string, string>();
  const out: Node[] = [];
  let rewrites = 0;

  const where = (name: string): Stored => stored.get(name) ?? { name, nchw: false };
  /** The tensor as its graph meant it (transposed back when stored NCHW). */
  const logical = (name: string): string => {
    const s = where(name);
    if (!s.nchw) return s.name;
    let back = backToNhwc.get(name);
    if (!back) {
      back = fresh(`${name}__nhwc`);
      out.push(node("Transpose", [s.name], [back], [intsAttr("perm", TO_NHWC)]));
      backToNhwc.set(name, back);
    }
    return back;
  };
  const emitAsIs = (n: Node) => out.push({ ...n, inputs: n.inputs.map((i) => (i ? logical(i) : i)) });
  const emitNchw = (n: Node, inputs: string[], extra: Partial<Node> = {}) => {
    const outputs = n.outputs.map((o) => fresh(`${o}__nchw`));
    n.outputs.forEach((o, k) => stored.set(o, { name: outputs[k], nchw: true }));
    out.push({ ...n, ...extra, inputs, outputs });
    rewrites++;
  };

  for (const n of graph.nodes) {
    const ins = n.inputs.map((i) => (i ? where(i) : { name: i, nchw: false }));
    if (n.op === "Transpose" && n.outputs.length === 1) {
      const perm = attr(n, "perm")?.ints;
      if (!ins[0].nchw && sameInts(perm, TO_NHWC)) {
        stored.set(n.outputs[0], { name: ins[0].name, nchw: true });
        rewrites++;
        continue;
      }
      if (ins[0].nchw && sameInts(perm, TO_NCHW)) {
        stored.set(n.outputs[0], { name: ins[0].name, nchw: false });
        rewrites++;
        continue;
      }
    }
    if (!ins.some((s) => s.nchw)) {
      emitAsIs(n);
      continue;
    }
    if (!rewriteOnNchw(graph, n, ins, emitNchw, out, fresh, stored)) emitAsIs(n);
  }
  // Graph outputs keep their names and their layout.
  for (const o of graph.outputs) {
    const s = where(o.name);
    if (s.name === o.name) continue;
    out.push(node(s.nchw ? "Transpose" : "Identity", [s.name], [o.name], s.nchw ? [intsAttr("perm", TO_NHWC)] : []));
  }
  graph.nodes = out;
  return rewrites;
}

type EmitNchw = (n: Node, inputs: string[], extra?: Partial<Node>) => void;

/** Emits `n` on NCHW-stored inputs when it knows how; false leaves it to run as-is. */
function rewriteOnNchw(graph: Graph, n: Node, ins: Stored[], emit: EmitNchw, out: Node[], fresh: (b: string) => string, stored: Map<string, Stored>): boolean {
  if (ELEMENTWISE.has(n.op)) {
    const inputs: string[] = [];
    for (const s of ins) {
      const name = s.nchw ? s.name : perChannel(graph, s.name, fresh);
      if (name === undefined) return false;
      inputs.push(name);
    }
    emit(n, inputs);
    return true;
  }
  if (REDUCE.has(n.op) && n.inputs.length === 1) {
    const axes = attr(n, "axes")?.ints;
    if (!axes || attr(n, "keepdims")?.i === 0) return false;
    const mapped = axes.map((a) => AXIS[(a + 4) % 4]).sort();
    emit(n, [ins[0].name], { attributes: n.attributes.map((a) => (a.name === "axes" ? intsAttr("axes", mapped) : a)) });
    return true;
  }
  if (n.op === "Pad" && ins[0].nchw && n.inputs.length >= 2 && n.inputs.length <= 3 && !ins.slice(1).some((s) => s.nchw)) {
    const pads = graph.initializers.get(n.inputs[1]);
    if (!pads || pads.dims.length !== 1 || pads.dims[0] !== 8) return false;
    const p = values(pads) as number[];
    if (p.every((v) => v === 0)) {
      // A zero-width pad is a full copy that changes nothing.
      stored.set(n.outputs[0], ins[0]);
      return true;
    }
    const remapped = [p[0], p[3], p[1], p[2], p[4], p[7], p[5], p[6]];
    const name = fresh(`${n.inputs[1]}__nchw`);
    graph.initializers.set(name, int64Tensor(name, remapped));
    emit(n, [ins[0].name, name, ...n.inputs.slice(2)]);
    return true;
  }
  if (n.op === "Shape" && n.attributes.length === 0) {
    const raw = fresh(`${n.outputs[0]}__nchw`);
    const order = fresh(`${n.outputs[0]}__order`);
    graph.initializers.set(order, int64Tensor(order, TO_NHWC));
    out.push(node("Shape", [ins[0].name], [raw]));
    out.push(node("Gather", [raw, order], [n.outputs[0]], [{ name: "axis", type: 2, i: 0 }]));
    return true;
  }
  return false;
}

/**
 * A constant operand for an NCHW-stored tensor: a single value stays, a per-channel vector
 * (shape [C], [1,C], [1,1,C] or [1,1,1,C]) becomes [1,C,1,1]. Anything else is undefined.
 */
function perChannel(graph: Graph, name: string, fresh: (b: string) => string): string | undefined {
  const data = constantFloats(graph, name);
  const t = graph.initializers.get(name);
  if (!data || !t) return undefined;
  if (data.length === 1 && t.dims.length <= 4) return name;
  if (t.dims.length > 4 || t.dims.slice(0, -1).some((d) => d !== 1)) return undefined;
  const moved = fresh(`${name}__nchw`);
  graph.initializers.set(moved, floatTensor(moved, [1, data.length, 1, 1], data));
  return moved;
}
