import { floatTensor, type Graph } from "../onnx/model.js";
import { attr, constantFloats } from "./graph-tools.js";

/**
 * Turns `Constant` nodes into initializers and evaluates the few float ops converters leave
 * on constants (a batch norm's `Rsqrt` spelled Sqrt → Reciprocal → Mul…), so that later
 * rewrites see plain per-channel constants. Only same-shape or scalar operands are folded.
 */
const UNARY: Record<string, (x: number) => number> = {
  Sqrt: Math.sqrt,
  Reciprocal: (x) => 1 / x,
  Neg: (x) => -x,
  Identity: (x) => x,
};
const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};

export function foldConstants(graph: Graph): number {
  let folded = 0;
  graph.nodes = graph.nodes.filter((n) => {
    if (n.op === "Constant" && n.outputs.length === 1) {
      const value = attr(n, "value")?.t;
      if (!value) return true;
      graph.initializers.set(n.outputs[0], { ...value, name: n.outputs[0] });
      folded++;
      return false;
    }
    const result = evaluate(graph, n.op, n.inputs);
    if (!result) return true;
    graph.initializers.set(n.outputs[0], floatTensor(n.outputs[0], result.dims, result.data));
    folded++;
    return false;
  });
  return folded;
}

function evaluate(graph: Graph, op: string, inputs: string[]): { dims: number[]; data: Float32Array } | undefined {
  const unary: ((x: number) => number) | undefined = UNARY[op];
  const binary: ((a: number, b: number) => number) | undefined = BINARY[op];
  if (!unary && !binary) return undefined;
  if (inputs.length !== (unary === undefined ? 2 : 1)) return undefined;
  const operands = inputs.map((i) => constantFloats(graph, i));
  if (operands.some((o) => !o)) return undefined;
  const dims = inputs.map((i) => graph.initializers.get(i)!.dims);
  if (unary) return { dims: dims[0], data: Float32Array.from(operands[0]!, unary) };
  const [a, b] = operands as Float32Array[];
  // Same shape, or one side a single value of rank no higher than the other's.
  const big = a.length >= b.length ? 0 : 1;
  const small = 1 - big;
  const sameShape = dims[0].length === dims[1].length && dims[0].every((d, i) => d === dims[1][i]);
  if (!sameShape && !(operands[small]!.length === 1 && dims[small].length <= dims[big].length)) return undefined;
  const out = new Float32Array(operands[big]!.length);
  for (let i = 0; i < out.length; i++) out[i] = binary(a.length === 1 ? a[0] : a[i], b.length === 1 ? b[0] : b[i]);
  return { dims: dims[big], data: out };
}
