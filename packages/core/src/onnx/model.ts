import { Anime2dError } from "../errors.js";
import {
  concat,
  fields,
  floatField,
  lengthDelimited,
  packedFloats,
  packedInt64s,
  readFloats,
  readInt64,
  readInt64s,
  stringField,
  text,
  varintField,
} from "./protobuf.js";

/**
 * An ONNX model's main graph, decoded far enough to rewrite it: nodes with their attributes,
 * and initializers whose values are read only when a rewrite asks. Untouched initializers,
 * graph inputs/outputs and everything outside the graph are re-emitted byte for byte.
 */

export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT32 = 6;
export const INT64 = 7;

/** An attribute's value: a number, a list of numbers, a string or a tensor. */
export interface Attribute {
  name: string;
  /** AttributeProto.type: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS. */
  type: number;
  f?: number;
  i?: number;
  s?: string;
  floats?: number[];
  ints?: number[];
  t?: Tensor;
  /** Original encoding, re-emitted when the attribute is of a kind not decoded here. */
  bytes?: Uint8Array;
}

export interface Node {
  op: string;
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
}

/** A constant tensor (initializer or Constant value). */
export interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Original TensorProto bytes, kept until the values change. */
  bytes?: Uint8Array;
  /** Decoded values (float32 or int64 as numbers), filled on demand by {@link values}. */
  data?: Float32Array | number[] | Int8Array | Uint8Array;
}

export interface Graph {
  nodes: Node[];
  initializers: Map<string, Tensor>;
  /** Graph input and output names, in order (their ValueInfo bytes are kept). */
  inputs: { name: string; bytes: Uint8Array }[];
  outputs: { name: string; bytes: Uint8Array }[];
}

interface Decoded {
  graph: Graph;
  /** Model bytes before and after the graph field. */
  head: Uint8Array;
  tail: Uint8Array;
}

const MODEL_GRAPH = 7;

export function decodeModel(model: Uint8Array): Decoded {
  for (const f of fields(model, 0, model.length)) {
    if (f.field !== MODEL_GRAPH) continue;
    return { graph: decodeGraph(model.subarray(f.bodyStart, f.end)), head: model.subarray(0, f.start), tail: model.subarray(f.end) };
  }
  throw new Anime2dError("MODEL_MISMATCH", "The ONNX file has no graph.");
}

/**
 * The model's bytes with its (rewritten) graph. `opsetBumps` raises the versions of imported
 * domains; `extraDomains` imports domains the model did not use (e.g. ONNX Runtime's own ops).
 */
export function encodeModel(decoded: Decoded, opsetBumps: Record<string, number> = {}, extraDomains: Record<string, number> = {}): Uint8Array {
  const imported = new Set(opsetImports(decoded.head).concat(opsetImports(decoded.tail)));
  const extra = Object.entries(extraDomains)
    .filter(([domain]) => !imported.has(domain))
    .map(([domain, version]) => lengthDelimited(8, concat([stringField(1, domain), varintField(2, version)])));
  return concat([bumpOpsets(decoded.head, opsetBumps), lengthDelimited(MODEL_GRAPH, encodeGraph(decoded.graph)), bumpOpsets(decoded.tail, opsetBumps), ...extra]);
}

function opsetImports(bytes: Uint8Array): string[] {
  const domains: string[] = [];
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field !== 8) continue;
    const body = bytes.subarray(f.bodyStart, f.end);
    const domain = [...fields(body, 0, body.length)].find((g) => g.field === 1);
    domains.push(domain ? text(body, domain) : "");
  }
  return domains;
}

function decodeGraph(bytes: Uint8Array): Graph {
  const graph: Graph = { nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  for (const f of fields(bytes, 0, bytes.length)) {
    const body = bytes.subarray(f.bodyStart, f.end);
    if (f.field === 1) graph.nodes.push(decodeNode(body));
    else if (f.field === 5) {
      const t = decodeTensor(body);
      graph.initializers.set(t.name, t);
    } else if (f.field === 11 || f.field === 12) {
      const name = [...fields(body, 0, body.length)].find((g) => g.field === 1);
      const entry = { name: name ? text(body, name) : "", bytes: body };
      (f.field === 11 ? graph.inputs : graph.outputs).push(entry);
    }
    // Graph name, doc string and value_info (shapes that rewrites may change) are dropped:
    // ONNX Runtime infers shapes again.
  }
  return graph;
}

function encodeGraph(graph: Graph): Uint8Array {
  const parts: Uint8Array[] = graph.nodes.map((n) => lengthDelimited(1, encodeNode(n)));
  parts.push(stringField(2, "anime2d_optimized"));
  for (const t of graph.initializers.values()) parts.push(lengthDelimited(5, encodeTensor(t)));
  // Old IR versions list initializers among the inputs: keep only inputs still defined.
  for (const i of graph.inputs) if (!isDroppedInitializerInput(graph, i.name)) parts.push(lengthDelimited(11, i.bytes));
  for (const o of graph.outputs) parts.push(lengthDelimited(12, o.bytes));
  return concat(parts);
}

function isDroppedInitializerInput(graph: Graph, name: string): boolean {
  if (graph.initializers.has(name)) return false;
  return !graph.nodes.some((n) => n.inputs.includes(name)) && !graph.outputs.some((o) => o.name === name);
}

function decodeNode(bytes: Uint8Array): Node {
  const node: Node = { op: "", name: "", domain: "", inputs: [], outputs: [], attributes: [] };
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field === 1) node.inputs.push(text(bytes, f));
    else if (f.field === 2) node.outputs.push(text(bytes, f));
    else if (f.field === 3) node.name = text(bytes, f);
    else if (f.field === 4) node.op = text(bytes, f);
    else if (f.field === 5) node.attributes.push(decodeAttribute(bytes.subarray(f.bodyStart, f.end)));
    else if (f.field === 7) node.domain = text(bytes, f);
  }
  return node;
}

function encodeNode(node: Node): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const i of node.inputs) parts.push(stringField(1, i));
  for (const o of node.outputs) parts.push(stringField(2, o));
  if (node.name) parts.push(stringField(3, node.name));
  parts.push(stringField(4, node.op));
  for (const a of node.attributes) parts.push(lengthDelimited(5, encodeAttribute(a)));
  if (node.domain) parts.push(stringField(7, node.domain));
  return concat(parts);
}

function decodeAttribute(bytes: Uint8Array): Attribute {
  const a: Attribute = { name: "", type: 0, bytes };
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field === 1) a.name = text(bytes, f);
    else if (f.field === 20) a.type = f.value;
    else if (f.field === 2) a.f = readFloats(bytes, f)[0];
    else if (f.field === 3) a.i = readInt64(bytes, f.bodyStart)[0];
    else if (f.field === 4) a.s = text(bytes, f);
    else if (f.field === 5) a.t = decodeTensor(bytes.subarray(f.bodyStart, f.end));
    else if (f.field === 7) (a.floats ??= []).push(...readFloats(bytes, f));
    else if (f.field === 8) (a.ints ??= []).push(...readInt64s(bytes, f));
  }
  return a;
}

function encodeAttribute(a: Attribute): Uint8Array {
  if (a.bytes) return a.bytes;
  const parts = [stringField(1, a.name)];
  if (a.type === 1) parts.push(floatField(2, a.f!));
  else if (a.type === 2) parts.push(varintField(3, a.i!));
  else if (a.type === 3) parts.push(stringField(4, a.s!));
  else if (a.type === 4) parts.push(lengthDelimited(5, encodeTensor(a.t!)));
  else if (a.type === 6) parts.push(packedFloats(7, a.floats!));
  else if (a.type === 7) parts.push(packedInt64s(8, a.ints!));
  parts.push(varintField(20, a.type));
  return concat(parts);
}

function decodeTensor(bytes: Uint8Array): Tensor {
  const t: Tensor = { name: "", dims: [], dataType: 0, bytes };
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field === 1) t.dims.push(...readInt64s(bytes, f));
    else if (f.field === 2) t.dataType = f.value;
    else if (f.field === 8) t.name = text(bytes, f);
  }
  return t;
}

function encodeTensor(t: Tensor): Uint8Array {
  if (t.bytes && !t.data) return withName(t.bytes, t.name);
  const data = t.data!;
  const raw =
    t.dataType === FLOAT
      ? new Uint8Array(Float32Array.from(data as ArrayLike<number>).buffer)
      : t.dataType === INT64
        ? new Uint8Array(BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(v))).buffer)
        : t.dataType === INT8
          ? new Uint8Array(Int8Array.from(data as ArrayLike<number>).buffer)
          : t.dataType === INT32
            ? new Uint8Array(Int32Array.from(data as ArrayLike<number>).buffer)
          : Uint8Array.from(data as ArrayLike<number>);
  return concat([packedInt64s(1, t.dims), varintField(2, t.dataType), stringField(8, t.name), lengthDelimited(9, raw)]);
}

/** A TensorProto's bytes under another name (Constant values and renamed initializers). */
function withName(bytes: Uint8Array, name: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes, 0, bytes.length)) if (f.field !== 8) parts.push(bytes.subarray(f.start, f.end));
  parts.push(stringField(8, name));
  return concat(parts);
}

/** A tensor's values: float32 (raw or float_data) or int64 (raw or int64_data). */
export function values(t: Tensor): Float32Array | number[] {
  if (t.data) return t.data as Float32Array | number[];
  const bytes = t.bytes!;
  let out: Float32Array | number[] | undefined;
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field === 9) {
      // A copy: aligned, and never a view of a larger (Node Buffer) pool.
      const raw = new Uint8Array(bytes.subarray(f.bodyStart, f.end));
      if (t.dataType === FLOAT) out = new Float32Array(raw.buffer);
      else if (t.dataType === INT64) out = Array.from(new BigInt64Array(raw.buffer), Number);
      else if (t.dataType === INT32) out = Array.from(new Int32Array(raw.buffer));
    } else if (f.field === 4 && t.dataType === FLOAT) out = Float32Array.from([...((out as Float32Array) ?? []), ...readFloats(bytes, f)]);
    else if (f.field === 7 && t.dataType === INT64) out = [...((out as number[]) ?? []), ...readInt64s(bytes, f)];
    else if (f.field === 5 && t.dataType === INT32) out = [...((out as number[]) ?? []), ...readInt64s(bytes, f)];
    else if (f.field === 14 && f.value === 1) throw new Anime2dError("MODEL_MISMATCH", `Tensor "${t.name}" keeps its data in an external file.`);
  }
  if (!out && t.dims.reduce((a, b) => a * b, 1) > 0) throw new Anime2dError("MODEL_MISMATCH", `Tensor "${t.name}" has data of an unsupported type (${t.dataType}).`);
  out ??= t.dataType === FLOAT ? new Float32Array(0) : [];
  t.data = out;
  return out;
}

export function floatTensor(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dims, dataType: FLOAT, data };
}

export function int64Tensor(name: string, data: number[]): Tensor {
  return { name, dims: [data.length], dataType: INT64, data };
}

/** Rewrites the opset_import versions in the bytes before/after the graph (e.g. to allow newer ops). */
function bumpOpsets(bytes: Uint8Array, bumps: Record<string, number>): Uint8Array {
  if (Object.keys(bumps).length === 0) return bytes;
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.field !== 8) {
      parts.push(bytes.subarray(f.start, f.end));
      continue;
    }
    let domain = "";
    let version = 0;
    const body = bytes.subarray(f.bodyStart, f.end);
    for (const g of fields(body, 0, body.length)) {
      if (g.field === 1) domain = text(body, g);
      else if (g.field === 2) version = g.value;
    }
    const wanted = Math.max(version, bumps[domain] ?? 0);
    parts.push(lengthDelimited(8, concat([stringField(1, domain), varintField(2, wanted)])));
  }
  return concat(parts);
}

/** Reads the model's opset version for the default domain. */
export function opsetVersion(model: Uint8Array): number {
  for (const f of fields(model, 0, model.length)) {
    if (f.field !== 8) continue;
    const body = model.subarray(f.bodyStart, f.end);
    let domain = "";
    let version = 0;
    for (const g of fields(body, 0, body.length)) {
      if (g.field === 1) domain = text(body, g);
      else if (g.field === 2) version = g.value;
    }
    if (domain === "" || domain === "ai.onnx") return version;
  }
  return 0;
}
