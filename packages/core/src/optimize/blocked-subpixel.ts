import { values, type Node } from "../onnx/model.js";
import { reorderFilter } from "./blocked-weights.js";
import type { BlockedWriter } from "./blocked-writer.js";
import { attr, intAttr, node, onlyReader, sameInts } from "./graph-tools.js";
import { interleaveKernel } from "./subpixel-upsample.js";

/**
 * The sub-pixel upsamplings subpixel-upsample.ts writes, in the blocked layout. Their 3×3 conv
 * to 4·Cout channels multiplies zeros in 11 of its 36 taps (an output pixel of odd parity on
 * an axis never reads the first low-resolution tap of that axis), so here each parity gets a
 * conv of its own with only the taps it reads (3×3, 3×2, 2×3, 2×2), and the four are
 * interleaved by two Concats of whole b-channel pixels and rows.
 */

export interface SubpixelBlock {
  reflect: Node;
  edge: Node;
  conv: Node;
  channels: number;
  cin: number;
}

/**
 * Reflect Pad at the start, edge Pad at the end, Conv 3×3 to 4·Cout channels, interleaving
 * ConvTranspose (stride 2, one-hot 2×2 kernels, low channel 4·o + 2·py + px → output channel o)
 * — each tensor read only by the next, with whole blocks of channels, and the taps parity 1
 * never reads exactly zero; by ConvTranspose.
 */
export function subpixelBlocks(w: BlockedWriter): Map<Node, SubpixelBlock> {
  const { graph, block, made, readers } = w;
  const found = new Map<Node, SubpixelBlock>();
  const only = (n: Node, reader: Node) => onlyReader(readers, n.outputs[0]) === reader;
  const padOf = (n: Node, mode: string, pads: number[]) => {
    const p = n.op === "Pad" && n.domain === "" && n.inputs.length === 2 ? graph.initializers.get(n.inputs[1]) : undefined;
    return !!p && attr(n, "mode")?.s === mode && sameInts(values(p) as number[], pads);
  };
  for (const n of graph.nodes) {
    if (n.op !== "ConvTranspose" || n.domain !== "" || n.inputs.length !== 2) continue;
    const channels = attr(n, "group")?.i ?? 1;
    const w = graph.initializers.get(n.inputs[1]);
    const conv = made.get(n.inputs[0]);
    const edge = conv && made.get(conv.inputs[0]);
    const reflect = edge && made.get(edge.inputs[0]);
    if (!w || !conv || !edge || !reflect || conv.op !== "Conv" || !only(conv, n) || !only(edge, conv) || !only(reflect, edge) || channels % block !== 0) continue;
    if (!padOf(edge, "edge", [0, 0, 0, 0, 0, 0, 1, 1]) || !padOf(reflect, "reflect", [0, 0, 1, 1, 0, 0, 0, 0])) continue;
    if (!n.attributes.every((a) => (a.name === "group" ? true : (a.name === "kernel_shape" || a.name === "strides") && sameInts(a.ints, [2, 2])))) continue;
    const k = values(w) as Float32Array;
    const oneHot = interleaveKernel(channels);
    if (!sameInts(w.dims, [4 * channels, 1, 2, 2]) || !k.every((v, i) => v === oneHot[i])) continue;
    const convW = graph.initializers.get(conv.inputs[1]);
    const bias = conv.inputs[2] ? graph.initializers.get(conv.inputs[2]) : undefined;
    if (!convW || convW.dataType !== 1 || !sameInts(convW.dims.slice(2), [3, 3]) || convW.dims[0] !== 4 * channels || convW.dims[1] % block !== 0) continue;
    if ((conv.inputs[2] && (bias?.dataType !== 1 || !sameForEveryParity(values(bias) as Float32Array))) || conv.attributes.some((a) => a.name !== "kernel_shape" && !(a.name === "pads" && a.ints!.every((v) => v === 0)))) continue;
    if (!unreadTapsAreZero(values(convW) as Float32Array, channels, convW.dims[1])) continue;
    found.set(n, { reflect, edge, conv, channels, cin: convW.dims[1] });
  }
  return found;
}

/**
 * Writes the upsampling `u` ending at ConvTranspose `n`: the low-resolution x padded (edge at
 * the end, reflect at the start: the order does not matter for pads of 1), one conv per output
 * parity (py, px) — parity 1 never reads the first tap of its axis, so its input is not padded
 * at that start and its kernel is one tap shorter — then the parities interleaved as
 * [1, C/b, h, w, 2, b] (Concat of whole b-channel pixels) and [1, C/b, h, 2, 2w·b] (Concat of
 * rows), which is the high-resolution blocked tensor.
 */
export function writeSubpixel(w: BlockedWriter, n: Node, u: SubpixelBlock): void {
  const { graph, block, emit, ints, floats } = w;
  const { conv, channels, cin } = u;
  const name = (t: string) => w.fresh(`${n.outputs[0]}__nchwc_${t}`);
  const cb = channels / block;
  const x = w.needBlocked(u.reflect.inputs[0], cin);
  const pad = (input: string, pads: number[], mode: string) => {
    const padded = name("padded_5d");
    emit(node("Pad", [w.view5(input, cin), ints(name("pads5"), pads)], [padded], [{ name: "mode", type: 3, s: mode }]));
    const out = name("padded");
    w.view4(padded, cin, out);
    return out;
  };
  const edge = pad(x, [0, 0, 0, 0, 0, 0, 0, 1, 1, 0], "edge");
  const startPadded = (py: number, px: number) => (py && px ? edge : pad(edge, [0, 0, 1 - py, 1 - px, 0, 0, 0, 0, 0, 0], "reflect"));
  const mixed = values(graph.initializers.get(conv.inputs[1])!) as Float32Array;
  const bias = conv.inputs[2] ? (values(graph.initializers.get(conv.inputs[2])!) as Float32Array) : undefined;
  // Every parity has the original conv's bias.
  const b = bias && Float32Array.from({ length: channels }, (_, o) => bias[4 * o]);
  const biasName = b && floats(name("b"), [channels], b);
  const taps = [0, 1, 2, 3].map((p) => parityTaps(mixed, channels, cin, p));
  const convs = taps.map((t, p) => {
    const [py, px] = [p >> 1, p & 1];
    const kernel = [3 - py, 3 - px];
    const weights = reorderFilter(t, [channels, cin, ...kernel], block, false);
    const inputs = [startPadded(py, px), floats(name(`w${p}`), [channels, cin, ...kernel], weights)];
    if (biasName) inputs.push(biasName);
    return w.nchwc("Conv", inputs, [name(`parity${p}`)], [{ name: "kernel_shape", type: 7, ints: kernel }]);
  });
  // Their taps sum alike (a linear interpolation keeps constants): parity 0's stand for all.
  w.convsMade.set(n.outputs[0], { convs, weights: taps[0], dims: [channels, cin, 3, 3], bias: b, input: u.reflect.inputs[0] });

  const pixels = (t: string) => {
    const v = name("pixels");
    emit(node("Reshape", [t, ints(name("pixels_shape"), [0, cb, 0, 0, 1, block])], [v]));
    return v;
  };
  const rows = [0, 2].map((p) => {
    const pair = name("row");
    emit(node("Concat", [pixels(convs[p].outputs[0]), pixels(convs[p + 1].outputs[0])], [pair], [intAttr("axis", 4)]));
    const v = name("row_view");
    emit(node("Reshape", [pair, ints(name("row_shape"), [0, cb, 0, 1, -1])], [v]));
    return v;
  });
  const high = name("high");
  emit(node("Concat", rows, [high], [intAttr("axis", 3)]));
  const shape = name("shape");
  emit(node("Shape", [convs[0].outputs[0]], [shape]));
  const hw = name("hw");
  emit(node("Slice", [shape, ints(name("from"), [2]), ints(name("to"), [4])], [hw]));
  const highHw = name("high_hw");
  emit(node("Mul", [hw, ints(name("two"), [2, 2])], [highHw]));
  const highShape = name("high_shape");
  emit(node("Concat", [ints(name("nc"), [1, channels]), highHw], [highShape], [intAttr("axis", 0)]));
  emit(node("Reshape", [high, highShape], [w.setBlocked(n.outputs[0], channels)]));
}

/** Weights [Cout, Cin, 3 − py, 3 − px] of parity p = 2·py + px: its channels, without the taps it never reads. */
function parityTaps(mixed: Float32Array, channels: number, cin: number, p: number): Float32Array {
  const [py, px] = [p >> 1, p & 1];
  const out = new Float32Array(channels * cin * (3 - py) * (3 - px));
  let k = 0;
  for (let o = 0; o < channels; o++)
    for (let c = 0; c < cin; c++) for (let y = py; y < 3; y++) for (let x = px; x < 3; x++) out[k++] = mixed[((4 * o + p) * cin + c) * 9 + y * 3 + x];
  return out;
}

function sameForEveryParity(bias: Float32Array): boolean {
  return bias.every((v, i) => v === bias[i & ~3]);
}

/** Parity 1 of an axis reads low-resolution taps 1 and 2 only (subpixel-upsample.ts, MIX). */
function unreadTapsAreZero(mixed: Float32Array, channels: number, cin: number): boolean {
  for (let o = 0; o < channels; o++)
    for (let p = 0; p < 4; p++)
      for (let c = 0; c < cin; c++)
        for (let t = 0; t < 9; t++) {
          const unread = (p >> 1 === 1 && t < 3) || ((p & 1) === 1 && t % 3 === 0);
          if (unread && mixed[((4 * o + p) * cin + c) * 9 + t] !== 0) return false;
        }
  return true;
}
