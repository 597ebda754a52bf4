import { floatTensor, int64Tensor, values, type Graph, type Node } from "../onnx/model.js";
import { attr, constantFloats, consumers, intAttr, intsAttr, isPlainConv, nameMaker, node, onlyReader, producers, sameInts } from "./graph-tools.js";
import { symbolicShape } from "./shape-symbols.js";

/**
 * Upsampling blocks `Resize ×2 (bilinear, asymmetric) → reflect Pad 1 → Conv 3×3` (NCHW)
 * become a Conv 3×3 at low resolution to 4·Cout channels whose parities are then interleaved
 * into the 2× output (a depth-to-space): every
 * output pixel of the original is a fixed linear mix of a 3×3 low-resolution neighbourhood,
 * one mix per output parity, so the weights are precomputed and the 4×-larger resized and
 * padded tensors are never built. The borders match exactly with a reflect pad at the start
 * and an edge pad at the end of each axis (the resize clamps its last sample; the reflect
 * pad mirrors its first interpolated one).
 *
 * The interleave is a ConvTranspose (stride 2, one group per output channel, a one-hot 2×2
 * kernel per parity), not a DepthToSpace: ONNX Runtime's CPU DepthToSpace is a generic 6-D
 * transpose and cost 9% of hayao's run at 512² (32 ms for the last block alone); the
 * ConvTranspose does the same copy in about two thirds of the time (last block: 32 → 21 ms).
 */

/** How each of the 3 kernel taps (rows) reads the 3 low-resolution taps (columns), per output parity. */
const MIX = [
  [
    [0.5, 0.5, 0],
    [0, 1, 0],
    [0, 0.5, 0.5],
  ],
  [
    [0, 1, 0],
    [0, 0.5, 0.5],
    [0, 0, 1],
  ],
];

export function subpixelUpsamples(graph: Graph): number {
  const made = producers(graph);
  const readers = consumers(graph);
  const fresh = nameMaker(graph);
  let rewritten = 0;
  for (const resize of [...graph.nodes]) {
    const match = matchBlock(graph, made, readers, resize);
    if (!match) continue;
    const { pad, conv, weights, cout, cin } = match;
    const mixed = mixWeights(weights, cout, cin);
    const base = conv.outputs[0];
    const names = {
      w: fresh(`${base}__subpixel_w`),
      b: fresh(`${base}__subpixel_b`),
      start: fresh(`${base}__pad_start`),
      end: fresh(`${base}__pad_end`),
      interleave: fresh(`${base}__interleave`),
    };
    graph.initializers.set(names.w, floatTensor(names.w, [4 * cout, cin, 3, 3], mixed));
    graph.initializers.set(names.interleave, floatTensor(names.interleave, [4 * cout, 1, 2, 2], interleaveKernel(cout)));
    graph.initializers.set(names.start, int64Tensor(names.start, [0, 0, 1, 1, 0, 0, 0, 0]));
    graph.initializers.set(names.end, int64Tensor(names.end, [0, 0, 0, 0, 0, 0, 1, 1]));
    const convInputs = [fresh(`${base}__lowres_a`), fresh(`${base}__lowres_b`)];
    const lowConv = fresh(`${base}__lowres`);
    const bias = conv.inputs[2] ? constantFloats(graph, conv.inputs[2]) : undefined;
    if (bias) graph.initializers.set(names.b, floatTensor(names.b, [4 * cout], Float32Array.from({ length: 4 * cout }, (_, i) => bias[i >> 2])));
    const replacement: Node[] = [
      node("Pad", [resize.inputs[0], names.start], [convInputs[0]], [{ name: "mode", type: 3, s: "reflect" }]),
      node("Pad", [convInputs[0], names.end], [convInputs[1]], [{ name: "mode", type: 3, s: "edge" }]),
      node("Conv", bias ? [convInputs[1], names.w, names.b] : [convInputs[1], names.w], [lowConv], [intsAttr("kernel_shape", [3, 3]), intsAttr("pads", [0, 0, 0, 0])]),
      node("ConvTranspose", [lowConv, names.interleave], [base], [intAttr("group", cout), intsAttr("kernel_shape", [2, 2]), intsAttr("strides", [2, 2])]),
    ];
    const at = graph.nodes.indexOf(conv);
    graph.nodes.splice(at, 1, ...replacement);
    graph.nodes = graph.nodes.filter((n) => n !== resize && n !== pad);
    rewritten++;
  }
  return rewritten;
}

/** Resize attributes that do not matter for a linear resize without antialiasing. */
const RESIZE_FREE = new Set(["nearest_mode", "cubic_coeff_a", "extrapolation_value"]);

/**
 * ConvTranspose weights [4·Cout, 1, 2, 2]: low-resolution channel 4·o + 2·py + px goes to
 * output channel o at row parity py and column parity px.
 */
export function interleaveKernel(cout: number): Float32Array {
  return Float32Array.from({ length: 16 * cout }, (_, i) => (((i >> 2) & 3) === (i & 3) ? 1 : 0));
}

/**
 * Low-resolution weights [4·Cout, Cin, 3, 3], channel 4·o + 2·py + px holding, for output
 * channel o at parity (py, px), Mᵀ[py] · W[o, c] · M[px]: the 3×3 kernel mixed separably.
 */
function mixWeights(weights: Float32Array, cout: number, cin: number): Float32Array {
  const mixed = new Float32Array(4 * cout * cin * 9);
  const rows = new Float64Array(9);
  const mix = Float64Array.from(MIX.flat(2));
  const m = (parity: number, r: number, t: number) => mix[parity * 9 + r * 3 + t];
  for (let py = 0; py < 2; py++)
    for (let px = 0; px < 2; px++)
      for (let o = 0; o < cout; o++)
        for (let c = 0; c < cin; c++) {
          const w = (o * cin + c) * 9;
          // rows[ry][tx] = Σ_rx W[ry][rx] · M[px][rx][tx]
          for (let ry = 0; ry < 3; ry++)
            for (let tx = 0; tx < 3; tx++) {
              let sum = 0;
              for (let rx = 0; rx < 3; rx++) sum += weights[w + ry * 3 + rx] * m(px, rx, tx);
              rows[ry * 3 + tx] = sum;
            }
          const out = ((o * 4 + py * 2 + px) * cin + c) * 9;
          for (let ty = 0; ty < 3; ty++)
            for (let tx = 0; tx < 3; tx++) {
              let sum = 0;
              for (let ry = 0; ry < 3; ry++) sum += m(py, ry, ty) * rows[ry * 3 + tx];
              mixed[out + ty * 3 + tx] = sum;
            }
        }
  return mixed;
}

function matchBlock(graph: Graph, made: Map<string, Node>, readers: Map<string, (Node | undefined)[]>, resize: Node) {
  if (resize.op !== "Resize" || resize.inputs.length !== 4 || resize.inputs[1] || resize.inputs[2]) return undefined;
  for (const a of resize.attributes) {
    const ok =
      RESIZE_FREE.has(a.name) ||
      (a.name === "mode" && a.s === "linear") ||
      (a.name === "coordinate_transformation_mode" && a.s === "asymmetric") ||
      ((a.name === "exclude_outside" || a.name === "antialias") && a.i === 0) ||
      (a.name === "keep_aspect_ratio_policy" && a.s === "stretch");
    if (!ok) return undefined;
  }
  const x = resize.inputs[0];
  const sizes = symbolicShape(graph, made, resize.inputs[3], x);
  const twice = [1, 1, 2, 2].map((k, axis) => ({ axis, k }));
  if (!sizes || sizes.length !== 4 || !sizes.every((t, i) => t.axis === twice[i].axis && t.k === twice[i].k)) return undefined;
  const pad = onlyReader(readers, resize.outputs[0]);
  if (pad?.op !== "Pad" || pad.inputs.length !== 2 || attr(pad, "mode")?.s !== "reflect") return undefined;
  const pads = graph.initializers.get(pad.inputs[1]);
  if (!pads || !sameInts(values(pads) as number[], [0, 0, 1, 1, 0, 0, 1, 1])) return undefined;
  const conv = onlyReader(readers, pad.outputs[0]);
  if (conv?.op !== "Conv" || conv.inputs.length < 2 || conv.inputs.length > 3) return undefined;
  const w = graph.initializers.get(conv.inputs[1]);
  const weights = constantFloats(graph, conv.inputs[1]);
  if (!w || !weights || !sameInts(w.dims.slice(2), [3, 3])) return undefined;
  if (conv.inputs[2] && !constantFloats(graph, conv.inputs[2])) return undefined;
  if (!isPlainConv(conv, [3, 3])) return undefined;
  return { pad, conv, weights, cout: w.dims[0], cin: w.dims[1] };
}
