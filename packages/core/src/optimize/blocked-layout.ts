import { floatTensor, int64Tensor, values, type Attribute, type Graph, type Node } from "../onnx/model.js";
import { attr, consumers, intAttr, intsAttr, nameMaker, node, producers, sameInts } from "./graph-tools.js";
import type { FusedNorm } from "./instance-norm.js";
import { padTo, reorderFilter } from "./blocked-weights.js";
import { interleaveKernel } from "./subpixel-upsample.js";

/**
 * ONNX Runtime's CPU convolutions run in a blocked layout, NCHWc: channels in blocks of `block`
 * (16 with AVX-512, 8 with AVX2), `[1, C/block, H, W, block]` in memory. Its own layout pass
 * converts every Conv but wraps each in a ReorderInput/ReorderOutput pair, because the ops
 * between convs here (instance norms with run-time statistics, reflect Pads) are not among those
 * it knows how to run blocked. That costs two full copies per conv, and the norm's
 * BatchNormalization and LeakyRelu are two more single-purpose passes.
 *
 * This pass writes the graph in the blocked layout itself (`com.microsoft.nchwc` ops, the ones
 * ONNX Runtime's own pass emits), and keeps tensors blocked between convs:
 * - Conv → NCHWc Conv, its weights reordered as ONNX Runtime does (OIHWBiBo, or OIHWBo when the
 *   input has fewer channels than a block and is read as NCHW); an activation that follows
 *   (LeakyRelu, Relu, Tanh, Sigmoid) is folded into it when nothing else reads the conv;
 * - Pad, Add and activations run on the blocked tensor, Pad through the 5-D view
 *   `[1, C/b, H, W, b]` (a Reshape is free): spatial padding and elementwise ops do not care
 *   how channels are laid out;
 * - each fused instance norm (instance-norm.ts) is computed blocked: μ by ONNX Runtime's
 *   blocked GlobalAveragePool, row by row; x − μ by a depthwise 1×1 NCHWc Conv with run-time
 *   bias −μ; the Gram matrix of x − μ block by block (a batched MatMul over [C/b, H·W, b]
 *   slices), feeding the same σ², σ'² nodes as before; and the normalisation itself, with the
 *   LeakyRelu after it, as one depthwise 1×1 NCHWc Conv with run-time weights and bias,
 *   activation fused;
 * - each sub-pixel upsampling (subpixel-upsample.ts) as four convs, one per output parity, each
 *   with only the taps its parity reads (3×3, 3×2, 2×3, 2×2: the 3×3 conv to 4·Cout channels
 *   multiplied zeros in 11 of its 36 taps), then interleaved by two Concats of whole b-channel
 *   pixels and rows.
 * Any other reader of a blocked tensor gets it reordered back to NCHW, once.
 *
 * The graph is left as it was (and 0 returned) when most convs would still need reorders.
 *
 * The block size belongs to the machine's ONNX Runtime build, so the result is only valid
 * there: the caller asks ONNX Runtime for it (block-size.ts) and checks the graph against the
 * plain one before using it.
 */

export const NCHWC_DOMAIN = "com.microsoft.nchwc";

interface Blocked {
  name: string;
  channels: number;
}

export function toBlockedLayout(graph: Graph, block: number, norms: FusedNorm[]): number {
  const fresh = nameMaker(graph);
  const readers = consumers(graph);
  const out: Node[] = [];
  const blocked = new Map<string, Blocked>();
  const plain = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  // Convs written here that have no activation yet: a following one can be folded in.
  const fusable = new Set<Node>();
  let converted = 0;
  // Sub-pixel upsamplings (subpixel-upsample.ts) run blocked by parity: their pads and conv are
  // written at the interleaving ConvTranspose, which reads nothing else.
  const upsamples = subpixelBlocks(graph, block);
  const inUpsample = new Set([...upsamples.values()].flatMap((u) => [u.reflect, u.edge, u.conv]));

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
  const emit = (n: Node) => {
    out.push(n);
    return n;
  };
  const nchwc = (op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []) => emit({ ...node(op, inputs, outputs, attributes), domain: NCHWC_DOMAIN });

  /** The NCHW tensor `name`, reordered back from its blocked copy the first time it is asked for. */
  const needPlain = (name: string) => {
    const b = blocked.get(name);
    if (!plain.has(name) && b) {
      nchwc("ReorderOutput", [b.name], [name], [intAttr("channels", b.channels)]);
      plain.add(name);
    }
    return name;
  };
  /** The blocked copy of `name` ([1, C, H, W] with C a multiple of the block). */
  const needBlocked = (name: string, channels: number) => {
    let b = blocked.get(name);
    if (!b) {
      b = { name: fresh(`${name}__nchwc`), channels };
      nchwc("ReorderInput", [name], [b.name]);
      blocked.set(name, b);
    }
    return b.name;
  };
  const setBlocked = (name: string, channels: number, base = name) => {
    const b = { name: fresh(`${base}__nchwc`), channels };
    blocked.set(name, b);
    return b.name;
  };
  /** The 5-D view [1, C/b, H, W, b] of a blocked tensor, and back. */
  const view5 = (name: string, channels: number) => {
    const v = fresh(`${name}_5d`);
    emit(node("Reshape", [name, ints(`${name}_5d_shape`, [0, channels / block, 0, 0, block])], [v]));
    return v;
  };
  const view4 = (name: string, channels: number, output: string) => emit(node("Reshape", [name, ints(`${output}_4d_shape`, [0, channels, 0, 0])], [output]));

  // Norms over whole blocks of channels are computed blocked; their Gram-matrix nodes go.
  const blockedNorms = norms.filter((n) => n.channels % block === 0);
  const normAt = new Map(blockedNorms.flatMap((n) => [[n.mean, n] as const, [n.output, n] as const]));
  const dropped = new Set(blockedNorms.flatMap((n) => [n.centred, n.gram, ...n.gramInputs]));
  const normCentred = new Map(blockedNorms.map((n) => [n.centred, n]));
  const stats = new Map<FusedNorm, { centred: string; mean?: string }>();
  // Blocked convs written here, by the tensor they make: a norm reading one shifts its bias.
  // (A sub-pixel upsampling's four parity convs count as one: their taps sum alike, as a linear
  // interpolation keeps constants.)
  const convsMade = new Map<string, { convs: Node[]; weights: Float32Array; dims: number[]; bias?: Float32Array; input: string }>();
  const made = producers(graph);
  const bnOf = new Map(blockedNorms.map((n) => [n.output, made.get(n.output)!]));

  for (const n of graph.nodes) {
    const norm = normAt.get(n.outputs[0]);
    if (norm) {
      if (n.outputs[0] === norm.mean) stats.set(norm, normStatistics(norm));
      else normalise(norm, n);
      converted++;
      continue;
    }
    if (dropped.has(n.outputs[0]) || inUpsample.has(n)) continue;
    if (n.op === "Shape" && n.domain === "" && normCentred.has(n.inputs[0])) {
      // H and W of x − μ are those of x, blocked or not.
      const norm = normCentred.get(n.inputs[0])!;
      emit({ ...n, inputs: [blocked.get(norm.x)?.name ?? needPlain(norm.x)] });
      plain.add(n.outputs[0]);
      continue;
    }
    const upsample = upsamples.get(n);
    if (upsample) {
      subpixel(n, upsample);
      converted++;
      continue;
    }
    if (convert(n)) {
      converted++;
      continue;
    }
    for (const i of n.inputs) if (i) needPlain(i);
    emit(n);
    for (const o of n.outputs) plain.add(o);
  }
  for (const o of graph.outputs) needPlain(o.name);
  // Where most convs still need their tensors reordered in and out (norms this pass does not
  // know, as in CartoonGAN: measured 4–5% slower), ONNX Runtime's own pass does as well.
  const reorders = out.filter((n) => n.domain === NCHWC_DOMAIN && n.op.startsWith("Reorder")).length;
  const convs = out.filter((n) => n.domain === NCHWC_DOMAIN && n.op === "Conv").length;
  if (reorders > convs / 2) return 0;
  graph.nodes = out;
  return converted;

  /** Converts `n` to run blocked, if it can; false leaves it to run as it is. */
  function convert(n: Node): boolean {
    if (n.domain !== "") return false;
    if (n.op === "Conv") return convertConv(n);
    const input = blocked.get(n.inputs[0]);
    if (!input) return false;
    if (ACTIVATIONS.has(n.op) && n.inputs.length === 1) {
      // Folded into the conv that made its input when nothing else reads that (MLAS applies it
      // as the conv writes its output), else run on the blocked tensor: it is elementwise.
      const producer = out.find((o) => o.outputs[0] === input.name);
      const onlyReader = readers.get(n.inputs[0])?.length === 1 && !plain.has(n.inputs[0]);
      if (producer && fusable.has(producer) && onlyReader) {
        producer.attributes.push({ name: "activation", type: 3, s: n.op });
        if (n.op === "LeakyRelu") producer.attributes.push({ name: "activation_params", type: 6, floats: [attr(n, "alpha")?.f ?? 0.01] });
        fusable.delete(producer);
        blocked.set(n.outputs[0], input);
      } else {
        emit({ ...n, inputs: [input.name], outputs: [setBlocked(n.outputs[0], input.channels)] });
      }
      return true;
    }
    if (n.op === "Add" && n.inputs.length === 2) {
      const other = blocked.get(n.inputs[1]);
      if (!other || other.channels !== input.channels) return false;
      emit({ ...n, inputs: [input.name, other.name], outputs: [setBlocked(n.outputs[0], input.channels)] });
      return true;
    }
    if (n.op === "Pad") return convertPad(n, input);
    return false;
  }

  /**
   * A sub-pixel upsampling, blocked: the low-resolution x padded (edge at the end, reflect at the
   * start: the order does not matter for pads of 1), one conv per output parity (py, px) reading
   * only its taps — parity 1 never reads the first tap of its axis, so its input is not padded
   * at that start and its kernel is one tap shorter — then the parities interleaved as
   * [1, C/b, h, w, 2, b] (Concat of whole b-channel pixels) and [1, C/b, h, 2, 2w·b] (Concat of
   * rows), which is the high-resolution blocked tensor.
   */
  function subpixel(n: Node, u: SubpixelBlock): void {
    const { conv, channels, cin } = u;
    const name = (t: string) => fresh(`${n.outputs[0]}__nchwc_${t}`);
    const cb = channels / block;
    const x = needBlocked(u.reflect.inputs[0], cin);
    const pad = (input: string, pads: number[], mode: string) => {
      const padded = name("padded_5d");
      emit(node("Pad", [view5(input, cin), ints(name("pads5"), pads)], [padded], [{ name: "mode", type: 3, s: mode }]));
      const out = name("padded");
      view4(padded, cin, out);
      return out;
    };
    const edge = pad(x, [0, 0, 0, 0, 0, 0, 0, 1, 1, 0], "edge");
    const startPadded = (py: number, px: number) => (py && px ? edge : pad(edge, [0, 0, 1 - py, 1 - px, 0, 0, 0, 0, 0, 0], "reflect"));
    const mixed = values(graph.initializers.get(conv.inputs[1])!) as Float32Array;
    const bias = conv.inputs[2] ? (values(graph.initializers.get(conv.inputs[2])!) as Float32Array) : undefined;
    // Every parity has the same bias (the original conv's).
    const b = bias && Float32Array.from({ length: channels }, (_, o) => bias[4 * o]);
    const biasName = b && floats(name("b"), [channels], b);
    const convs = [0, 1, 2, 3].map((p) => {
      const [py, px] = [p >> 1, p & 1];
      const kernel = [3 - py, 3 - px];
      const w = parityTaps(mixed, channels, cin, p);
      const inputs = [startPadded(py, px), floats(name(`w${p}`), [channels, cin, ...kernel], reorderFilter(w, [channels, cin, ...kernel], block, false))];
      if (biasName) inputs.push(biasName);
      return nchwc("Conv", inputs, [name(`parity${p}`)], [{ name: "kernel_shape", type: 7, ints: kernel }]);
    });
    convsMade.set(n.outputs[0], { convs, weights: parityTaps(mixed, channels, cin, 0), dims: [channels, cin, 3, 3], bias: b, input: u.reflect.inputs[0] });
    const parity = convs.map((c) => c.outputs[0]);
    const pixels = (t: string) => {
      const v = name("pixels");
      emit(node("Reshape", [t, ints(name("pixels_shape"), [0, cb, 0, 0, 1, block])], [v]));
      return v;
    };
    const rows = [0, 2].map((p) => {
      const pair = name("row");
      emit(node("Concat", [pixels(parity[p]), pixels(parity[p + 1])], [pair], [intAttr("axis", 4)]));
      const v = name("row_view");
      emit(node("Reshape", [pair, ints(name("row_shape"), [0, cb, 0, 1, -1])], [v]));
      return v;
    });
    const high = name("high");
    emit(node("Concat", rows, [high], [intAttr("axis", 3)]));
    const shape = name("shape");
    emit(node("Shape", [parity[0]], [shape]));
    const hw = name("hw");
    emit(node("Slice", [shape, ints(name("from"), [2]), ints(name("to"), [4])], [hw]));
    const highHw = name("high_hw");
    emit(node("Mul", [hw, ints(name("two"), [2, 2])], [highHw]));
    const highShape = name("high_shape");
    emit(node("Concat", [ints(name("nc"), [1, channels]), highHw], [highShape], [intAttr("axis", 0)]));
    emit(node("Reshape", [high, highShape], [setBlocked(n.outputs[0], channels)]));
  }

  function convertPad(n: Node, input: Blocked): boolean {
    const pads = graph.initializers.get(n.inputs[1] ?? "");
    if (!pads || n.inputs.length > 3 || (n.inputs[2] && !isZero(n.inputs[2]))) return false;
    const p = values(pads) as number[];
    if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0) return false;
    const padded = fresh(`${n.outputs[0]}_5d`);
    emit({ ...n, inputs: [view5(input.name, input.channels), ints(`${n.outputs[0]}_pads5`, [0, 0, p[2], p[3], 0, 0, 0, p[6], p[7], 0])], outputs: [padded] });
    view4(padded, input.channels, setBlocked(n.outputs[0], input.channels));
    return true;
  }

  function isZero(name: string): boolean {
    const t = graph.initializers.get(name);
    return !!t && (values(t) as ArrayLike<number>).length === 1 && (values(t) as ArrayLike<number>)[0] === 0;
  }

  function convertConv(conv: Node): boolean {
    const w = graph.initializers.get(conv.inputs[1]);
    const bias = conv.inputs[2] ? graph.initializers.get(conv.inputs[2]) : undefined;
    if (!w || w.dataType !== 1 || w.dims.length !== 4 || (conv.inputs[2] && (!bias || bias.dataType !== 1))) return false;
    if ((attr(conv, "group")?.i ?? 1) !== 1) return false;
    const autoPad = attr(conv, "auto_pad")?.s;
    if (autoPad && autoPad !== "NOTSET" && autoPad !== "VALID") return false;
    const [outputs, inputs] = w.dims;
    const direct = inputs < block; // read as NCHW (ONNX Runtime's OIHWBo filter format)
    if (!direct && inputs % block !== 0) return false;
    const input = direct ? needPlain(conv.inputs[0]) : needBlocked(conv.inputs[0], inputs);
    const weights = reorderFilter(values(w) as Float32Array, w.dims, block, direct);
    const padded = Math.ceil(outputs / block) * block;
    const b = bias ? padTo(values(bias) as Float32Array, padded) : undefined;
    const convInputs = [input, floats(`${conv.inputs[1]}__nchwc`, [padded, ...w.dims.slice(1)], weights), ...(b ? [floats(`${conv.inputs[2]}__nchwc`, [padded], b)] : [])];
    const kernel = { name: "kernel_shape", type: 7, ints: w.dims.slice(2) };
    const attributes = [...conv.attributes.filter((a) => a.name !== "kernel_shape"), kernel];
    if (outputs % block === 0) {
      const made = nchwc("Conv", convInputs, [setBlocked(conv.outputs[0], outputs)], attributes);
      fusable.add(made);
      convsMade.set(conv.outputs[0], { convs: [made], weights: values(w) as Float32Array, dims: w.dims, bias: bias && (values(bias) as Float32Array), input: conv.inputs[0] });
    } else {
      const raw = fresh(`${conv.outputs[0]}__nchwc`);
      nchwc("Conv", convInputs, [raw], attributes);
      nchwc("ReorderOutput", [raw], [conv.outputs[0]], [intAttr("channels", outputs)]);
      plain.add(conv.outputs[0]);
    }
    return true;
  }

  /**
   * The mean its input conv's output would have if that input were flat at its own estimated
   * mean, s = b + Σ_taps W · m̂, where m̂ is known before the conv runs (a previous norm's μ'
   * through its activation, residual sums of those, or the image's mean): written as the conv's
   * run-time bias b − s, the conv makes x − s, close enough to centred that its Gram matrix
   * minus N·(μ − s)(μ − s)ᵀ keeps flat images exact, and no centring pass is needed. Undefined
   * (and nothing written) where no estimate is known.
   */
  function shiftProducer(norm: FusedNorm): string | undefined {
    const p = convsMade.get(norm.x);
    if (!p || readers.get(norm.x)?.length !== 2 || p.convs.some((c) => c.attributes.some((a) => a.name === "activation"))) return undefined;
    const [o, i] = p.dims;
    const estimate = meanEstimate(p.input, i);
    if (!estimate) return undefined;
    const name = (t: string) => fresh(`${norm.output}__nchwc_shift_${t}`);
    const from = out.length;
    const m = estimate();
    const wsum = new Float32Array(o * i);
    const taps = p.dims[2] * p.dims[3];
    for (let k = 0; k < o * i; k++) for (let t = 0; t < taps; t++) wsum[k] += p.weights[k * taps + t];
    const column = name("m_col");
    emit(node("Reshape", [m, ints(name("i1"), [i, 1])], [column]));
    const product = name("wm");
    emit(node("MatMul", [floats(name("wsum"), [o, i], wsum), column], [product]));
    const wm = name("wm_flat");
    emit(node("Reshape", [product, ints(name("o"), [o])], [wm]));
    const bias = name("bias");
    emit(node("Neg", [wm], [bias]));
    let shift = wm;
    if (p.bias) {
      shift = name("s");
      emit(node("Add", [wm, floats(name("b"), [o], p.bias)], [shift]));
    }
    const added = out.splice(from);
    out.splice(out.indexOf(p.convs[0]), 0, ...added);
    for (const conv of p.convs) conv.inputs = [conv.inputs[0], conv.inputs[1], bias];
    return shift;
  }

  /** m̂ for `t`, [C]: a function that writes it out, or undefined where none is known. */
  function meanEstimate(t: string, channels: number, depth = 0): (() => string) | undefined {
    const bn = bnOf.get(t);
    if (bn) return () => bn.inputs[2];
    const p = made.get(t);
    if (p && p.domain === "" && depth < 8) {
      const inputs = p.inputs.map((i) => (graph.initializers.has(i) ? undefined : meanEstimate(i, channels, depth + 1)));
      if (p.op === "Pad" && inputs[0]) return inputs[0];
      const elementwise = (ACTIVATIONS.has(p.op) && p.inputs.length === 1) || (p.op === "Add" && p.inputs.length === 2);
      if (elementwise && inputs.every(Boolean)) {
        return () => {
          const estimate = fresh(`${t}__mean_estimate`);
          emit(node(p.op, inputs.map((write) => write!()), [estimate], p.attributes));
          return estimate;
        };
      }
    }
    if (!plain.has(t)) return undefined;
    return () => {
      const mean = fresh(`${t}__mean`);
      emit(node("ReduceMean", [t], [mean], [intsAttr("axes", [0, 2, 3]), intAttr("keepdims", 0)]));
      return mean;
    };
  }

  /** At the norm's mean: μ, x − μ (or x − s) and its Gram matrix, all from the blocked x. */
  function normStatistics(norm: FusedNorm) {
    const c = norm.channels;
    const shift = shiftProducer(norm);
    const x = needBlocked(norm.x, c);
    const name = (s: string) => fresh(`${norm.output}__nchwc_${s}`);
    // ONNX Runtime's blocked global pooling sums a whole block in one float accumulator: over a
    // 512² image that lost about 1e-5 of a mean, and the norm's 1/σ made it 3.9e-3 on the
    // output of a dark ramp. So each row of each block is pooled as a block of its own
    // ([1, C, H, W] seen as [1, C·H, 1, W], a free Reshape: blocks are outermost in memory;
    // a 0 copies that dimension), and the H row means are then averaged.
    const pixelRows = name("pixel_rows");
    emit(node("Reshape", [x, ints(name("pixel_rows_shape"), [0, -1, 1, 0])], [pixelRows]));
    const rowMeans = name("row_means");
    nchwc("GlobalAveragePool", [pixelRows], [rowMeans]);
    const byBlock = name("row_means_by_block");
    emit(node("Reshape", [rowMeans, ints(name("by_block_shape"), [c / block, -1, block])], [byBlock]));
    const mean = name("mean");
    emit(node("ReduceMean", [byBlock], [mean], [intsAttr("axes", [1]), intAttr("keepdims", 0)]));
    if (shift) return shiftedStatistics(norm, x, mean, shift);
    emit(node("Reshape", [mean, ints(name("mean_shape"), [1, c, 1, 1])], [norm.mean]));
    plain.add(norm.mean);
    // −μ as the centring conv's bias, [C]: the [C/b, b] means need only a Reshape.
    const negMeanBlocks = name("negmean_blocks");
    emit(node("Neg", [mean], [negMeanBlocks]));
    const negMean = name("negmean");
    emit(node("Reshape", [negMeanBlocks, ints(name("c"), [c])], [negMean]));
    const centred = name("centred");
    nchwc("Conv", [x, floats(name("ones"), [c, 1, 1, 1], new Float32Array(c).fill(1)), negMean], [centred], [intAttr("group", c), kernelShape]);
    // Σ·H·W from the blocked x − μ, [C/b, H·W, b]: block pairs (i, j) give x_iᵀ·x_j, [b, b].
    const nb = c / block;
    const rows = name("rows");
    emit(node("Reshape", [centred, ints(name("rows_shape"), [nb, 1, -1, block])], [rows]));
    const cols = name("cols");
    emit(node("Reshape", [centred, ints(name("cols_shape"), [1, nb, -1, block])], [cols]));
    const rowsT = name("rowsT");
    emit(node("Transpose", [rows], [rowsT], [{ name: "perm", type: 7, ints: [0, 1, 3, 2] }]));
    const blocks = name("gram_blocks");
    emit(node("MatMul", [rowsT, cols], [blocks]));
    const ordered = name("gram_ordered");
    emit(node("Transpose", [blocks], [ordered], [{ name: "perm", type: 7, ints: [0, 2, 1, 3] }]));
    emit(node("Reshape", [ordered, ints(name("cc"), [c, c])], [norm.gram]));
    plain.add(norm.gram);
    return { centred };
  }

  /** blockGram's [C, C] from the blocked [1, C, H, W] `x`: block pairs (i, j) give x_iᵀ·x_j, [b, b]. */
  function shiftedStatistics(norm: FusedNorm, x: string, meanBlocks: string, shift: string) {
    const c = norm.channels;
    const name = (s: string) => fresh(`${norm.output}__nchwc_${s}`);
    const offset = name("offset"); // μ − s, [C]
    emit(node("Reshape", [meanBlocks, ints(name("c"), [c])], [offset]));
    const mean = name("mean_c");
    emit(node("Add", [offset, shift], [mean]));
    emit(node("Reshape", [mean, ints(name("mean_shape"), [1, c, 1, 1])], [norm.mean]));
    plain.add(norm.mean);
    const gram = blockGram(x, c, name);
    // N·Σ = Σ_p (x_p − s)(x_p − s)ᵀ − N·(μ − s)(μ − s)ᵀ
    const shape = name("shape");
    emit(node("Shape", [x], [shape]));
    const hw = name("hw");
    emit(node("Slice", [shape, ints(name("from"), [2]), ints(name("to"), [4])], [hw]));
    const count = name("count");
    emit(node("ReduceProd", [hw], [count], [intAttr("keepdims", 0)]));
    const n = name("count_f");
    emit(node("Cast", [count], [n], [intAttr("to", 1)]));
    const column = name("offset_col");
    emit(node("Reshape", [offset, ints(name("c1"), [c, 1])], [column]));
    const row = name("offset_row");
    emit(node("Reshape", [offset, ints(name("1c"), [1, c])], [row]));
    const outer = name("outer");
    emit(node("MatMul", [column, row], [outer]));
    const scaled = name("outer_n");
    emit(node("Mul", [outer, n], [scaled]));
    emit(node("Sub", [gram, scaled], [norm.gram]));
    plain.add(norm.gram);
    return { centred: x, mean: offset };
  }

  function blockGram(x: string, c: number, name: (s: string) => string): string {
    const nb = c / block;
    const rows = name("rows");
    emit(node("Reshape", [x, ints(name("rows_shape"), [nb, 1, -1, block])], [rows]));
    const cols = name("cols");
    emit(node("Reshape", [x, ints(name("cols_shape"), [1, nb, -1, block])], [cols]));
    const rowsT = name("rowsT");
    emit(node("Transpose", [rows], [rowsT], [{ name: "perm", type: 7, ints: [0, 1, 3, 2] }]));
    const blocks = name("gram_blocks");
    emit(node("MatMul", [rowsT, cols], [blocks]));
    const ordered = name("gram_ordered");
    emit(node("Transpose", [blocks], [ordered], [{ name: "perm", type: 7, ints: [0, 2, 1, 3] }]));
    const gram = name("gram");
    emit(node("Reshape", [ordered, ints(name("cc"), [c, c])], [gram]));
    return gram;
  }

  /** At the BatchNormalization: (x − μ) · √(σ'² + ε')/√(σ² + ε) + μ', one depthwise NCHWc Conv. */
  function normalise(norm: FusedNorm, bn: Node): void {
    const s = stats.get(norm)!;
    const c = norm.channels;
    const name = (t: string) => fresh(`${norm.output}__nchwc_${t}`);
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
    if (s.mean) {
      // Reading x − s, not x − μ: bias μ' − (μ − s)·weights.
      const off = name("offset_scaled");
      emit(node("Mul", [s.mean, ratio], [off]));
      bias = name("bias");
      emit(node("Sub", [convMean, off], [bias]));
    }
    const affine = nchwc("Conv", [s.centred, weights, bias], [setBlocked(bn.outputs[0], c)], [intAttr("group", c), kernelShape]);
    fusable.add(affine);
  }
}

const kernelShape: Attribute = { name: "kernel_shape", type: 7, ints: [1, 1] };

/** Activations ONNX Runtime's NCHWc Conv can apply itself (MLAS activation kinds). */
const ACTIVATIONS = new Set(["Relu", "LeakyRelu", "Tanh", "Sigmoid"]);

interface SubpixelBlock {
  reflect: Node;
  edge: Node;
  conv: Node;
  channels: number;
  cin: number;
}

/**
 * The sub-pixel upsamplings subpixel-upsample.ts writes — reflect Pad at the start, edge Pad at
 * the end, Conv 3×3 to 4·Cout channels, interleaving ConvTranspose (stride 2, one-hot 2×2
 * kernels, low channel 4·o + 2·py + px → output channel o) — each tensor read only by the next,
 * with whole blocks of channels, and the taps parity 1 never reads exactly zero; by ConvTranspose.
 */
function subpixelBlocks(graph: Graph, block: number): Map<Node, SubpixelBlock> {
  const made = producers(graph);
  const readers = consumers(graph);
  const found = new Map<Node, SubpixelBlock>();
  const only = (n: Node, reader: Node) => readers.get(n.outputs[0])?.length === 1 && readers.get(n.outputs[0])![0] === reader;
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
    if ((conv.inputs[2] && bias?.dataType !== 1) || conv.attributes.some((a) => a.name !== "kernel_shape" && !(a.name === "pads" && a.ints!.every((v) => v === 0)))) continue;
    if (!unreadTapsAreZero(values(convW) as Float32Array, channels, convW.dims[1])) continue;
    found.set(n, { reflect, edge, conv, channels, cin: convW.dims[1] });
  }
  return found;
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

/** Parity 1 of an axis reads low-resolution taps 1 and 2 only (subpixel-upsample.ts, MIX). */
function unreadTapsAreZero(mixed: Float32Array, channels: number, cin: number): boolean {
  for (let o = 0; o < channels; o++)
    for (let p = 0; p < 4; p++)
      for (let c = 0; c < cin; c++)
        for (let t = 0; t < 9; t++) {
          const unread = ((p >> 1) === 1 && t < 3) || ((p & 1) === 1 && t % 3 === 0);
          if (unread && mixed[((4 * o + p) * cin + c) * 9 + t] !== 0) return false;
        }
  return true;
}
