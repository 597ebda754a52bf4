import { floatTensor, type Graph, type Node } from "../onnx/model.js";
import { constantFloats, intAttr, intsAttr, isPlainConv, nameMaker, node } from "./graph-tools.js";

/**
 * A large k×k Conv with very few output channels (a generator's last layer: 32 → 3 channels,
 * 7×7) keeps ONNX Runtime's conv kernels far below their speed: they are built for many
 * output channels. Split it into a 1×k Conv to Cout·k channels (one per kernel row, a shape
 * the kernels handle well) and a ConvTranspose with a one-hot k×1 kernel per group that sums
 * each output channel's k rows at their vertical offsets. The same products, summed in
 * another order.
 */
const MAX_OUTPUTS = 4;
const MIN_KERNEL = 5;

export function splitNarrowConvs(graph: Graph): number {
  const fresh = nameMaker(graph);
  let split = 0;
  graph.nodes = graph.nodes.flatMap((n) => {
    const shape = narrowConv(graph, n);
    if (!shape) return [n];
    const { cout, cin, k } = shape;
    const w = constantFloats(graph, n.inputs[1])!;
    const rows = new Float32Array(cout * k * cin * k);
    for (let o = 0; o < cout; o++)
      for (let r = 0; r < k; r++)
        for (let c = 0; c < cin; c++)
          for (let s = 0; s < k; s++) rows[((o * k + r) * cin + c) * k + s] = w[((o * cin + c) * k + r) * k + s];
    const sum = new Float32Array(cout * k * k);
    for (let o = 0; o < cout; o++) for (let r = 0; r < k; r++) sum[(o * k + r) * k + (k - 1 - r)] = 1;
    const rowWeights = fresh(`${n.inputs[1]}__rows`);
    const sumWeights = fresh(`${n.inputs[1]}__rowsum`);
    const partial = fresh(`${n.outputs[0]}__rows`);
    graph.initializers.set(rowWeights, floatTensor(rowWeights, [cout * k, cin, 1, k], rows));
    graph.initializers.set(sumWeights, floatTensor(sumWeights, [cout * k, 1, k, 1], sum));
    split++;
    return [
      node("Conv", [n.inputs[0], rowWeights], [partial], [intsAttr("kernel_shape", [1, k]), intsAttr("strides", [1, 1]), intsAttr("pads", [0, 0, 0, 0])]),
      node("ConvTranspose", [partial, sumWeights, ...n.inputs.slice(2)], [n.outputs[0]], [
        intAttr("group", cout),
        intsAttr("kernel_shape", [k, 1]),
        intsAttr("strides", [1, 1]),
        intsAttr("pads", [k - 1, 0, k - 1, 0]),
      ]),
    ];
  });
  return split;
}

/** The shape of a stride-1, unpadded, ungrouped square Conv with few outputs and a large kernel. */
function narrowConv(graph: Graph, n: Node): { cout: number; cin: number; k: number } | undefined {
  if (n.op !== "Conv" || n.inputs.length < 2 || n.inputs.length > 3 || n.outputs.length !== 1) return undefined;
  const w = graph.initializers.get(n.inputs[1]);
  if (!w || !constantFloats(graph, n.inputs[1]) || w.dims.length !== 4) return undefined;
  if (n.inputs[2] && !constantFloats(graph, n.inputs[2])) return undefined;
  const [cout, cin, kh, kw] = w.dims;
  if (cout > MAX_OUTPUTS || kh !== kw || kh < MIN_KERNEL) return undefined;
  if (!isPlainConv(n, [kh, kw])) return undefined;
  return { cout, cin, k: kh };
}
