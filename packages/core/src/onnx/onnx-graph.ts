import { Anime2dError } from "../errors.js";
import { concat, fields, lengthDelimited, varintField, type Field } from "./protobuf.js";

/**
 * Just enough of the ONNX protobuf format to list a graph's nodes and to derive a graph with
 * some nodes removed and some inputs or outputs added. Everything else is copied byte for
 * byte, so weights and attributes are never re-encoded.
 */

/** One node of an ONNX graph. */
export interface GraphNode {
  /** Position among the graph's nodes. */
  index: number;
  op: string;
  inputs: string[];
  outputs: string[];
}

/** A float32 tensor to add as a graph input or output; `dims` omitted means any shape. */
export interface GraphValue {
  name: string;
  dims?: readonly number[];
}

/** What {@link editGraph} changes. */
export interface GraphEdit {
  /** Node indices to drop. */
  removeNodes?: ReadonlySet<number>;
  addInputs?: readonly GraphValue[];
  addOutputs?: readonly GraphValue[];
}

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const FLOAT = 1;

/** Lists the nodes of the model's main graph, in order. */
export function listNodes(model: Uint8Array): GraphNode[] {
  const graph = findGraph(model);
  const decoder = new TextDecoder();
  const nodes: GraphNode[] = [];
  for (const f of fields(model, graph.bodyStart, graph.end)) {
    if (f.field !== GRAPH_NODE) continue;
    const node: GraphNode = { index: nodes.length, op: "", inputs: [], outputs: [] };
    for (const g of fields(model, f.bodyStart, f.end)) {
      const text = () => decoder.decode(model.subarray(g.bodyStart, g.end));
      if (g.field === 1) node.inputs.push(text());
      else if (g.field === 2) node.outputs.push(text());
      else if (g.field === 4) node.op = text();
    }
    nodes.push(node);
  }
  return nodes;
}

/** Returns a copy of the model with the edit applied to its main graph. */
export function editGraph(model: Uint8Array, edit: GraphEdit): Uint8Array {
  const graph = findGraph(model);
  const parts: Uint8Array[] = [];
  let nodeIndex = 0;
  for (const f of fields(model, graph.bodyStart, graph.end)) {
    if (f.field === GRAPH_NODE && edit.removeNodes?.has(nodeIndex++)) continue;
    parts.push(model.subarray(f.start, f.end));
  }
  for (const v of edit.addInputs ?? []) parts.push(lengthDelimited(GRAPH_INPUT, valueInfo(v)));
  for (const v of edit.addOutputs ?? []) parts.push(lengthDelimited(GRAPH_OUTPUT, valueInfo(v)));
  const newGraph = lengthDelimited(MODEL_GRAPH, concat(parts));
  return concat([model.subarray(0, graph.start), newGraph, model.subarray(graph.end)]);
}

function findGraph(model: Uint8Array): Field {
  for (const f of fields(model, 0, model.length)) if (f.field === MODEL_GRAPH) return f;
  throw new Anime2dError("MODEL_MISMATCH", "The ONNX file has no graph.");
}






/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape } } }. */
function valueInfo(value: GraphValue): Uint8Array {
  const tensor: Uint8Array[] = [varintField(1, FLOAT)];
  if (value.dims) {
    const dims = value.dims.map((d) => lengthDelimited(1, varintField(1, d)));
    tensor.push(lengthDelimited(2, concat(dims)));
  }
  const type = lengthDelimited(1, concat(tensor));
  return concat([lengthDelimited(1, new TextEncoder().encode(value.name)), lengthDelimited(2, type)]);
}

