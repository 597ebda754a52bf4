import { values, type Graph, type Node } from "../onnx/model.js";
import { attr } from "./graph-tools.js";

/**
 * Evaluates the small int64 subgraphs converters emit to compute shapes (Shape → Gather/Slice
 * → Squeeze → Mul → Unsqueeze → Concat) symbolically, in terms of one 4-D tensor's
 * dimensions: enough to prove that a Resize's `sizes` is exactly twice its input's height and
 * width whatever the image size.
 */

/** `k · dim(axis)` of the tensor, or the constant `k` when `axis` is undefined. */
export interface Term {
  axis?: number;
  k: number;
}

/** The terms of a 1-D int64 tensor computed from `x`'s shape, or undefined if it is not one. */
export function symbolicShape(graph: Graph, made: Map<string, Node>, name: string, x: string, depth = 0): Term[] | undefined {
  const constant = graph.initializers.get(name);
  if (constant) return constant.dataType === 7 ? (values(constant) as number[]).map((k) => ({ k })) : undefined;
  const n = made.get(name);
  if (!n || depth > 16) return undefined;
  const input = (i: number) => symbolicShape(graph, made, n.inputs[i], x, depth + 1);
  const ints = (i: number) => {
    const t = graph.initializers.get(n.inputs[i]);
    return t && t.dataType === 7 ? (values(t) as number[]) : undefined;
  };
  switch (n.op) {
    case "Shape":
      return n.inputs[0] === x && n.attributes.length === 0 ? [0, 1, 2, 3].map((axis) => ({ axis, k: 1 })) : undefined;
    case "Gather": {
      const data = input(0);
      const indices = ints(1);
      if (!data || !indices || (attr(n, "axis")?.i ?? 0) !== 0 || indices.some((i) => i < 0 || i >= data.length)) return undefined;
      return indices.map((i) => data[i]);
    }
    case "Slice": {
      const data = input(0);
      const [starts, ends, axes, steps] = [ints(1), ints(2), n.inputs[3] ? ints(3) : [0], n.inputs[4] ? ints(4) : [1]];
      if (!data || !starts || !ends || !axes || !steps || starts.length !== 1 || axes[0] !== 0 || steps[0] !== 1 || starts[0] < 0 || ends[0] < 0) return undefined;
      return data.slice(starts[0], ends[0]);
    }
    case "Squeeze":
    case "Unsqueeze":
    case "Identity": {
      const data = input(0);
      return data && data.length === 1 ? data : undefined;
    }
    case "Cast":
      return attr(n, "to")?.i === 7 ? input(0) : undefined;
    case "Mul": {
      const [a, b] = [input(0), input(1)];
      if (!a || !b) return undefined;
      const [scalar, vector] = a.length === 1 && a[0].axis === undefined ? [a[0], b] : b.length === 1 && b[0].axis === undefined ? [b[0], a] : [undefined, a];
      return scalar ? vector.map((t) => ({ ...t, k: t.k * scalar.k })) : undefined;
    }
    case "Concat": {
      if (attr(n, "axis")?.i !== 0) return undefined;
      const parts = n.inputs.map((_, i) => input(i));
      return parts.every((p) => p) ? parts.flatMap((p) => p!) : undefined;
    }
    default:
      return undefined;
  }
}
