import { floatTensor, int64Tensor, values, type Attribute, type Graph, type Node } from "../onnx/model.js";
import { consumers, intAttr, nameMaker, node, producers } from "./graph-tools.js";

/**
 * What the blocked-layout pass (blocked-layout.ts) and its parts (blocked-norms.ts,
 * blocked-subpixel.ts) share while they write the new node list: which tensors have a blocked
 * copy, which a plain one, and the helpers that write nodes and constants.
 */

export const NCHWC_DOMAIN = "com.microsoft.nchwc";

/** Activations ONNX Runtime's NCHWc Conv can apply itself (MLAS activation kinds). */
export const ACTIVATIONS = new Set(["Relu", "LeakyRelu", "Tanh", "Sigmoid"]);

/** A 1×1 kernel, as the depthwise NCHWc convs of the norms use. */
export const kernel1x1: Attribute = { name: "kernel_shape", type: 7, ints: [1, 1] };

/** A Pad's constant pads when they pad H and W only ([1, C, H, W]: C kept, blocks untouched). */
export function spatialPads(graph: Graph, pad: Node): number[] | undefined {
  const pads = graph.initializers.get(pad.inputs[1] ?? "");
  const p = pads && (values(pads) as number[]);
  return p && p.length === 8 && p[0] === 0 && p[1] === 0 && p[4] === 0 && p[5] === 0 ? p : undefined;
}

/** The blocked copy of a tensor: its name, and its channel count (a multiple of the block). */
export interface Blocked {
  name: string;
  channels: number;
}

/**
 * A blocked conv written by the pass, by the tensor it makes, with the weights it was written
 * from ([O, I, kh, kw], as in the source graph): a norm that reads it shifts its bias
 * (blocked-norms.ts). A sub-pixel upsampling's four parity convs are one entry.
 */
export interface ConvMade {
  convs: Node[];
  weights: Float32Array;
  dims: number[];
  bias?: Float32Array;
  /** The conv's input in the source graph. */
  input: string;
}

export interface BlockedWriter {
  graph: Graph;
  block: number;
  /** The new node list, in order. */
  out: Node[];
  blocked: Map<string, Blocked>;
  /** Tensors that exist in plain NCHW (or are not activations at all). */
  plain: Set<string>;
  /** Readers and producers in the source graph. */
  readers: Map<string, (Node | undefined)[]>;
  made: Map<string, Node>;
  /** Convs written without an activation yet: a following one can be folded in. */
  fusable: Set<Node>;
  convsMade: Map<string, ConvMade>;
  fresh(base: string): string;
  emit(n: Node): Node;
  nchwc(op: string, inputs: string[], outputs: string[], attributes?: Attribute[]): Node;
  ints(base: string, data: number[]): string;
  floats(base: string, dims: number[], data: Float32Array): string;
  /** The NCHW tensor `name`, reordered back from its blocked copy the first time it is asked for. */
  needPlain(name: string): string;
  /** The blocked copy of `name` ([1, C, H, W] with C a multiple of the block). */
  needBlocked(name: string, channels: number): string;
  /** A new blocked name for `name`, recorded as its blocked copy. */
  setBlocked(name: string, channels: number): string;
  /** The 5-D view [1, C/b, H, W, b] of a blocked tensor. */
  view5(name: string, channels: number): string;
  /** `output` as the 4-D [1, C, H, W] view of a 5-D one. */
  view4(name: string, channels: number, output: string): void;
  /** Runs `write`, then moves the nodes it wrote to just before `anchor`. */
  before<T>(anchor: Node, write: () => T): T;
}

export function blockedWriter(graph: Graph, block: number): BlockedWriter {
  const fresh = nameMaker(graph);
  const out: Node[] = [];
  const blocked = new Map<string, Blocked>();
  const plain = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  const emit = (n: Node) => {
    out.push(n);
    return n;
  };
  const nchwc = (op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []) => emit({ ...node(op, inputs, outputs, attributes), domain: NCHWC_DOMAIN });
  const ints = (base: string, data: number[]) => {
    const name = fresh(base);
    graph.initializers.set(name, int64Tensor(name, data));
    return name;
  };
  const floats = (base: string, dims: number[], data: Float32Array) => {
    const name = fresh(base);
    graph.initializers.set(name, floatTensor(name, dims, data));
    return name;
  };
  return {
    graph,
    block,
    out,
    blocked,
    plain,
    readers: consumers(graph),
    made: producers(graph),
    fusable: new Set(),
    convsMade: new Map(),
    fresh,
    emit,
    nchwc,
    ints,
    floats,
    needPlain(name) {
      const b = blocked.get(name);
      if (!plain.has(name) && b) {
        nchwc("ReorderOutput", [b.name], [name], [intAttr("channels", b.channels)]);
        plain.add(name);
      }
      return name;
    },
    needBlocked(name, channels) {
      let b = blocked.get(name);
      if (!b) {
        b = { name: fresh(`${name}__nchwc`), channels };
        nchwc("ReorderInput", [name], [b.name]);
        blocked.set(name, b);
      }
      return b.name;
    },
    setBlocked(name, channels) {
      const b = { name: fresh(`${name}__nchwc`), channels };
      blocked.set(name, b);
      return b.name;
    },
    view5(name, channels) {
      const v = fresh(`${name}_5d`);
      emit(node("Reshape", [name, ints(`${name}_5d_shape`, [0, channels / block, 0, 0, block])], [v]));
      return v;
    },
    view4(name, channels, output) {
      emit(node("Reshape", [name, ints(`${output}_4d_shape`, [0, channels, 0, 0])], [output]));
    },
    before(anchor, write) {
      const from = out.length;
      const result = write();
      const written = out.splice(from);
      out.splice(out.indexOf(anchor), 0, ...written);
      return result;
    },
  };
}
