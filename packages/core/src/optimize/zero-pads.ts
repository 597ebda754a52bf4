import { values, type Graph } from "../onnx/model.js";
import { rename } from "./graph-tools.js";

/** Drops `Pad` nodes whose pads are all zero: each is a full copy of its input that changes nothing. */
export function dropZeroPads(graph: Graph): number {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  let dropped = 0;
  for (const n of [...graph.nodes]) {
    if (n.op !== "Pad" || n.inputs.length < 2 || outputs.has(n.outputs[0])) continue;
    const pads = graph.initializers.get(n.inputs[1]);
    if (!pads || pads.dims.length !== 1 || !(values(pads) as number[]).every((v) => v === 0)) continue;
    graph.nodes.splice(graph.nodes.indexOf(n), 1);
    rename(graph, n.outputs[0], n.inputs[0]);
    dropped++;
  }
  return dropped;
}
