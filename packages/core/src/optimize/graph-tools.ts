import { values, type Attribute, type Graph, type Node, type Tensor } from "../onnx/model.js";

/** Small helpers the rewrites share: attribute access, constants, consumers, fresh names. */

export function attr(node: Node, name: string): Attribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

export function intsAttr(name: string, ints: number[]): Attribute {
  return { name, type: 7, ints };
}

export function intAttr(name: string, i: number): Attribute {
  return { name, type: 2, i };
}

export function floatAttr(name: string, f: number): Attribute {
  return { name, type: 1, f };
}

export function node(op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []): Node {
  return { op, name: outputs[0], domain: "", inputs, outputs, attributes };
}

/** The constant behind a tensor name, if it is an initializer. */
export function constant(graph: Graph, name: string): Tensor | undefined {
  return graph.initializers.get(name);
}

/** A constant's float values, or undefined when the name is not a float constant. */
export function constantFloats(graph: Graph, name: string): Float32Array | undefined {
  const t = graph.initializers.get(name);
  if (!t || t.dataType !== 1) return undefined;
  return values(t) as Float32Array;
}

/** A constant scalar (any rank, one element), or undefined. */
export function constantScalar(graph: Graph, name: string): number | undefined {
  const v = constantFloats(graph, name);
  return v && v.length === 1 ? v[0] : undefined;
}

export const sameInts = <T>(a: readonly T[] | undefined, b: readonly T[]) => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

/** Who reads each tensor: node consumers, plus the graph outputs (as `undefined`). */
export function consumers(graph: Graph): Map<string, (Node | undefined)[]> {
  const map = new Map<string, (Node | undefined)[]>();
  const add = (name: string, n: Node | undefined) => {
    let list = map.get(name);
    if (!list) map.set(name, (list = []));
    list.push(n);
  };
  for (const n of graph.nodes) for (const i of n.inputs) if (i) add(i, n);
  for (const o of graph.outputs) add(o.name, undefined);
  return map;
}

/** The one node reading `name`, if exactly one node (and no graph output) reads it. */
export function onlyReader(readers: Map<string, (Node | undefined)[]>, name: string): Node | undefined {
  const list = readers.get(name);
  return list?.length === 1 ? list[0] : undefined;
}

/**
 * Nodes computing H·W of a [N, C, H, W] tensor as a float scalar, from its shape (sizes are
 * dynamic): `name` and `ints` make the node's tensor and constant names.
 */
export function pixelCountNodes(x: string, name: (s: string) => string, ints: (s: string, data: number[]) => string): { nodes: Node[]; count: string } {
  const [shape, hw, product, count] = ["shape", "hw", "count", "count_f"].map(name);
  const nodes = [
    node("Shape", [x], [shape]),
    node("Slice", [shape, ints("from", [2]), ints("to", [4])], [hw]),
    node("ReduceProd", [hw], [product], [intAttr("keepdims", 0)]),
    node("Cast", [product], [count], [intAttr("to", 1)]),
  ];
  return { nodes, count };
}

/** The node producing each tensor. */
export function producers(graph: Graph): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) map.set(o, n);
  return map;
}

/** Hands out tensor names not yet used in the graph. */
export function nameMaker(graph: Graph): (base: string) => string {
  const used = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
  for (const n of graph.nodes) for (const o of n.outputs) used.add(o);
  return (base) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}

/** Drops nodes whose outputs nobody reads and initializers nobody uses. */
export function prune(graph: Graph): void {
  for (;;) {
    const used = consumers(graph);
    const before = graph.nodes.length;
    graph.nodes = graph.nodes.filter((n) => n.outputs.some((o) => used.has(o)));
    if (graph.nodes.length === before) break;
  }
  const used = consumers(graph);
  for (const name of [...graph.initializers.keys()]) if (!used.has(name)) graph.initializers.delete(name);
}

/** Replaces every read of `from` with `to`. */
export function rename(graph: Graph, from: string, to: string): void {
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

/** A Conv with stride 1, dilation 1, one group, no padding of its own and the given kernel. */
export function isPlainConv(conv: Node, kernel: readonly number[]): boolean {
  return conv.attributes.every(
    (a) =>
      (a.name === "auto_pad" && (a.s === "VALID" || a.s === "NOTSET")) ||
      (a.name === "kernel_shape" && sameInts(a.ints, kernel)) ||
      ((a.name === "strides" || a.name === "dilations") && sameInts(a.ints, [1, 1])) ||
      (a.name === "pads" && !!a.ints && a.ints.every((p) => p === 0)) ||
      (a.name === "group" && a.i === 1),
  );
}
