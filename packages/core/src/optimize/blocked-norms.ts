import type { Node } from "../onnx/model.js";
import { ACTIVATIONS, kernel1x1, spatialPads, type BlockedWriter } from "./blocked-writer.js";
import { attr, intAttr, intsAttr, node, pixelCountNodes } from "./graph-tools.js";
import type { FusedNorm } from "./instance-norm.js";

/**
 * The fused adaptive instance norms (instance-norm.ts), computed on the blocked tensor:
 * - μ by ONNX Runtime's blocked GlobalAveragePool, row by row;
 * - the Gram matrix block by block (a batched MatMul over [C/b, H·W, b] slices), feeding the
 *   same σ², σ'² nodes as in the plain graph;
 * - the normalisation, with the activation after it, as one depthwise 1×1 NCHWc Conv with
 *   run-time weights and bias.
 * The Gram matrix must be taken about (nearly) the mean, or flat images lose everything to
 * cancellation. Where the conv that makes x is one this pass wrote, it makes x − s instead,
 * s an estimate of μ known before it runs (its run-time bias; `shiftProducer`), and no
 * centring pass is needed; elsewhere x − μ is made by a depthwise conv.
 */
export function blockedNorms(w: BlockedWriter, norms: FusedNorm[]) {
  const { block, emit, ints, floats } = w;
  const bnOf = new Map(norms.map((n) => [n.output, w.made.get(n.output)!]));
  /** Per norm: the tensor its Gram matrix was taken of (x − s or x − μ), and μ − s if shifted. */
  const taken = new Map<FusedNorm, { tensor: string; offset?: string }>();
  const shifted = () => [...taken.values()].filter((t) => t.offset).length;
  return { statistics, normalise, shifted };

  /** At the norm's mean: μ and the Gram matrix, from the blocked x. */
  function statistics(norm: FusedNorm): void {
    const c = norm.channels;
    const shift = shiftProducer(norm);
    const x = w.needBlocked(norm.x, c);
    const name = (s: string) => w.fresh(`${norm.output}__nchwc_${s}`);
    const mean = rowwiseMean(x, c, name); // μ − s where shifted
    w.plain.add(norm.mean);
    w.plain.add(norm.gram);
    if (!shift) {
      emit(node("Reshape", [mean, ints(name("mean_shape"), [1, c, 1, 1])], [norm.mean]));
      const negMean = name("negmean");
      emit(node("Neg", [mean], [negMean]));
      const centred = name("centred");
      w.nchwc("Conv", [x, floats(name("ones"), [c, 1, 1, 1], new Float32Array(c).fill(1)), negMean], [centred], [intAttr("group", c), kernel1x1]);
      blockGram(centred, c, name, norm.gram);
      taken.set(norm, { tensor: centred });
      return;
    }
    const mu = name("mean_c");
    emit(node("Add", [mean, shift], [mu]));
    emit(node("Reshape", [mu, ints(name("mean_shape"), [1, c, 1, 1])], [norm.mean]));
    // N·Σ = Σ_p (x_p − s)(x_p − s)ᵀ − N·(μ − s)(μ − s)ᵀ
    const gram = blockGram(x, c, name, name("gram_shifted"));
    const column = name("offset_col");
    emit(node("Reshape", [mean, ints(name("c1"), [c, 1])], [column]));
    const row = name("offset_row");
    emit(node("Reshape", [mean, ints(name("1c"), [1, c])], [row]));
    const outer = name("outer");
    emit(node("MatMul", [column, row], [outer]));
    const scaled = name("outer_n");
    const pixels = pixelCountNodes(x, name, ints);
    pixels.nodes.forEach(emit);
    emit(node("Mul", [outer, pixels.count], [scaled]));
    emit(node("Sub", [gram, scaled], [norm.gram]));
    taken.set(norm, { tensor: x, offset: mean });
  }

  /** At the BatchNormalization: (x − μ) · √(σ'² + ε')/√(σ² + ε) + μ', one depthwise NCHWc Conv. */
  function normalise(norm: FusedNorm, bn: Node): void {
    const { tensor, offset } = taken.get(norm)!;
    const c = norm.channels;
    const name = (t: string) => w.fresh(`${norm.output}__nchwc_${t}`);
    // BatchNormalization(x − μ, scale, μ', 0, σ²): weights scale/√(σ² + ε), bias μ'.
    const [, scale, convMean, , variance] = bn.inputs;
    const ve = name("vareps");
    emit(node("Add", [variance, floats(name("eps"), [], Float32Array.of(attr(bn, "epsilon")?.f ?? 1e-5))], [ve]));
    const sd = name("sd");
    emit(node("Sqrt", [ve], [sd]));
    const ratio = name("ratio");
    emit(node("Div", [scale, sd], [ratio]));
    const weights = name("scale");
    emit(node("Reshape", [ratio, ints(name("c111"), [c, 1, 1, 1])], [weights]));
    let bias = convMean;
    if (offset) {
      // It reads x − s, not x − μ: bias μ' − (μ − s)·weights.
      const scaledOffset = name("offset_scaled");
      emit(node("Mul", [offset, ratio], [scaledOffset]));
      bias = name("bias");
      emit(node("Sub", [convMean, scaledOffset], [bias]));
    }
    w.fusable.add(w.nchwc("Conv", [tensor, weights, bias], [w.setBlocked(bn.outputs[0], c)], [intAttr("group", c), kernel1x1]));
  }

  /**
   * Makes the conv that writes x write x − s, s = b + Σ_taps W · m̂ (the mean x would have if the
   * conv's input were flat at its estimated mean m̂), as its run-time bias −Σ_taps W · m̂; returns
   * s, [C]. Undefined, with nothing written, where x has other readers or no estimate is known.
   * s is exact on flat images and elsewhere off by about a standard deviation, which keeps the
   * shifted Gram matrix's cancellation harmless.
   */
  function shiftProducer(norm: FusedNorm): string | undefined {
    const p = w.convsMade.get(norm.x);
    if (!p || w.readers.get(norm.x)?.length !== 2 || p.convs.some((c) => attr(c, "activation"))) return undefined;
    const [o, i, kh, kw] = p.dims;
    const estimate = meanEstimate(p.input, i, p.convs[0]);
    if (!estimate) return undefined;
    const name = (t: string) => w.fresh(`${norm.output}__nchwc_shift_${t}`);
    return w.before(p.convs[0], () => {
      const tapSums = new Float32Array(o * i);
      for (let k = 0; k < o * i; k++) for (let t = 0; t < kh * kw; t++) tapSums[k] += p.weights[k * kh * kw + t];
      const column = name("m_col");
      emit(node("Reshape", [estimate(), ints(name("i1"), [i, 1])], [column]));
      const product = name("wm");
      emit(node("MatMul", [floats(name("tap_sums"), [o, i], tapSums), column], [product]));
      const wm = name("wm_flat");
      emit(node("Reshape", [product, ints(name("o"), [o])], [wm]));
      const bias = name("bias");
      emit(node("Neg", [wm], [bias]));
      for (const conv of p.convs) conv.inputs = [conv.inputs[0], conv.inputs[1], bias];
      if (!p.bias) return wm;
      const shift = name("s");
      emit(node("Add", [wm, floats(name("b"), [o], p.bias)], [shift]));
      return shift;
    });
  }

  /**
   * m̂ for the source tensor `t`, [C], as a function that writes it out: a norm's output has
   * mean μ' (its BatchNormalization's); activations and residual sums apply to the estimates;
   * pads keep them; a plain tensor is averaged. Undefined where none of these holds.
   */
  function meanEstimate(t: string, channels: number, anchor: Node, depth = 0): (() => string) | undefined {
    const bn = bnOf.get(t);
    if (bn) return () => bn.inputs[2];
    const p = w.made.get(t);
    if (p && p.domain === "" && depth < 8) {
      const inputs = p.inputs.map((i) => (w.graph.initializers.has(i) ? undefined : meanEstimate(i, channels, anchor, depth + 1)));
      if (p.op === "Pad" && inputs[0] && spatialPads(w.graph, p)) return inputs[0];
      const elementwise = (ACTIVATIONS.has(p.op) && p.inputs.length === 1) || (p.op === "Add" && p.inputs.length === 2);
      if (elementwise && inputs.every(Boolean)) {
        return () => {
          const estimate = w.fresh(`${t}__mean_estimate`);
          emit(node(p.op, inputs.map((write) => write!()), [estimate], p.attributes));
          return estimate;
        };
      }
    }
    // Averaged only if its plain copy is written before the conv (the estimate goes there).
    if (!w.plain.has(t) || !writtenBefore(t, anchor)) return undefined;
    return () => {
      const mean = w.fresh(`${t}__mean`);
      emit(node("ReduceMean", [t], [mean], [intsAttr("axes", [0, 2, 3]), intAttr("keepdims", 0)]));
      return mean;
    };
  }

  function writtenBefore(t: string, anchor: Node): boolean {
    if (w.graph.inputs.some((i) => i.name === t)) return true;
    const at = w.out.findIndex((n) => n.outputs.includes(t));
    return at >= 0 && at < w.out.indexOf(anchor);
  }

  /**
   * The spatial mean of the blocked `x`, [C]. ONNX Runtime's blocked global pooling sums a whole
   * block in one float accumulator: over a 512² image that lost about 1e-5 of a mean, and the
   * norm's 1/σ made it 3.9e-3 on the output of a dark ramp. So each row of each block is pooled
   * as a block of its own ([1, C, H, W] seen as [1, C·H, 1, W], a free Reshape: blocks are
   * outermost in memory; a 0 copies that dimension), and the H row means are then averaged.
   */
  function rowwiseMean(x: string, c: number, name: (s: string) => string): string {
    const pixelRows = name("pixel_rows");
    emit(node("Reshape", [x, ints(name("pixel_rows_shape"), [0, -1, 1, 0])], [pixelRows]));
    const rowMeans = name("row_means");
    w.nchwc("GlobalAveragePool", [pixelRows], [rowMeans]);
    const byBlock = name("row_means_by_block");
    emit(node("Reshape", [rowMeans, ints(name("by_block_shape"), [c / block, -1, block])], [byBlock]));
    const blocks = name("mean_blocks");
    emit(node("ReduceMean", [byBlock], [blocks], [intsAttr("axes", [1]), intAttr("keepdims", 0)]));
    const mean = name("mean");
    emit(node("Reshape", [blocks, ints(name("c"), [c])], [mean]));
    return mean;
  }

  /** The Gram matrix [C, C] of the blocked [1, C, H, W] `x`: block pairs (i, j) give x_iᵀ·x_j, [b, b]. */
  function blockGram(x: string, c: number, name: (s: string) => string, output: string): string {
    const nb = c / block;
    const rows = name("rows");
    emit(node("Reshape", [x, ints(name("rows_shape"), [nb, 1, -1, block])], [rows]));
    const cols = name("cols");
    emit(node("Reshape", [x, ints(name("cols_shape"), [1, nb, -1, block])], [cols]));
    const rowsT = name("rowsT");
    emit(node("Transpose", [rows], [rowsT], [intsAttr("perm", [0, 1, 3, 2])]));
    const blocks = name("gram_blocks");
    emit(node("MatMul", [rowsT, cols], [blocks]));
    const ordered = name("gram_ordered");
    emit(node("Transpose", [blocks], [ordered], [intsAttr("perm", [0, 2, 1, 3])]));
    emit(node("Reshape", [ordered, ints(name("cc"), [c, c])], [output]));
    return output;
  }

}
