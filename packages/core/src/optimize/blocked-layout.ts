import { values, type Graph, type Node } from "../onnx/model.js";
import { blockedNorms } from "./blocked-norms.js";
import { subpixelBlocks, writeSubpixel } from "./blocked-subpixel.js";
import { padTo, reorderFilter } from "./blocked-weights.js";
import { ACTIVATIONS, blockedWriter, NCHWC_DOMAIN, spatialPads, type Blocked } from "./blocked-writer.js";
import { attr, intAttr } from "./graph-tools.js";
import type { FusedNorm } from "./instance-norm.js";

export { NCHWC_DOMAIN } from "./blocked-writer.js";

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
 * - each fused instance norm (instance-norm.ts) is computed blocked (blocked-norms.ts);
 * - each sub-pixel upsampling (subpixel-upsample.ts) as one conv per output parity with only
 *   the taps it reads, interleaved by Concats (blocked-subpixel.ts).
 * Any other reader of a blocked tensor gets it reordered back to NCHW, once.
 *
 * Returns how many nodes were converted and how many norms were shifted rather than centred
 * (blocked-norms.ts); the graph is left as it was (0 converted) when most convs would still
 * need reorders.
 *
 * The block size belongs to the machine's ONNX Runtime build, so the result is only valid
 * there: the caller asks ONNX Runtime for it (block-size.ts) and checks the graph against the
 * plain one before using it.
 */
export function toBlockedLayout(graph: Graph, block: number, norms: FusedNorm[]): { converted: number; shiftedNorms: number } {
  const w = blockedWriter(graph, block);
  const { out, blocked, plain, emit } = w;
  let converted = 0;
  // Sub-pixel upsamplings run blocked by parity: their pads and conv are written at the
  // interleaving ConvTranspose, which reads nothing else.
  const upsamples = subpixelBlocks(w);
  const inUpsample = new Set([...upsamples.values()].flatMap((u) => [u.reflect, u.edge, u.conv]));
  // Norms over whole blocks of channels are computed blocked; their Gram-matrix nodes go.
  const normsHere = norms.filter((n) => n.channels % block === 0);
  const normAt = new Map(normsHere.flatMap((n) => [[n.mean, n] as const, [n.output, n] as const]));
  const dropped = new Set(normsHere.flatMap((n) => [n.centred, n.gram, ...n.gramInputs]));
  const normCentred = new Map(normsHere.map((n) => [n.centred, n]));
  const normWriter = blockedNorms(w, normsHere);

  for (const n of graph.nodes) {
    const norm = normAt.get(n.outputs[0]);
    if (norm) {
      if (n.outputs[0] === norm.mean) normWriter.statistics(norm);
      else normWriter.normalise(norm, n);
      converted++;
      continue;
    }
    if (dropped.has(n.outputs[0]) || inUpsample.has(n)) continue;
    if (n.op === "Shape" && n.domain === "" && normCentred.has(n.inputs[0])) {
      // H and W of x − μ are those of x, blocked or not.
      const norm = normCentred.get(n.inputs[0])!;
      emit({ ...n, inputs: [blocked.get(norm.x)?.name ?? w.needPlain(norm.x)] });
      plain.add(n.outputs[0]);
      continue;
    }
    const upsample = upsamples.get(n);
    if (upsample) {
      writeSubpixel(w, n, upsample);
      converted++;
      continue;
    }
    if (convert(n)) {
      converted++;
      continue;
    }
    for (const i of n.inputs) if (i) w.needPlain(i);
    emit(n);
    for (const o of n.outputs) plain.add(o);
  }
  for (const o of graph.outputs) w.needPlain(o.name);
  // Where most convs still need their tensors reordered in and out (norms this pass does not
  // know, as in CartoonGAN: measured 4–5% slower), ONNX Runtime's own pass does as well.
  const reorders = out.filter((n) => n.domain === NCHWC_DOMAIN && n.op.startsWith("Reorder")).length;
  const convs = out.filter((n) => n.domain === NCHWC_DOMAIN && n.op === "Conv").length;
  if (reorders > convs / 2) return { converted: 0, shiftedNorms: 0 };
  graph.nodes = out;
  return { converted, shiftedNorms: normWriter.shifted() };

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
      const onlyReader = w.readers.get(n.inputs[0])?.length === 1 && !plain.has(n.inputs[0]);
      if (producer && w.fusable.has(producer) && onlyReader) {
        producer.attributes.push({ name: "activation", type: 3, s: n.op });
        if (n.op === "LeakyRelu") producer.attributes.push({ name: "activation_params", type: 6, floats: [attr(n, "alpha")?.f ?? 0.01] });
        w.fusable.delete(producer);
        blocked.set(n.outputs[0], input);
      } else {
        emit({ ...n, inputs: [input.name], outputs: [w.setBlocked(n.outputs[0], input.channels)] });
      }
      return true;
    }
    if (n.op === "Add" && n.inputs.length === 2) {
      const other = blocked.get(n.inputs[1]);
      if (!other || other.channels !== input.channels) return false;
      emit({ ...n, inputs: [input.name, other.name], outputs: [w.setBlocked(n.outputs[0], input.channels)] });
      return true;
    }
    if (n.op === "Pad") return convertPad(n, input);
    return false;
  }

  function convertPad(n: Node, input: Blocked): boolean {
    const p = spatialPads(graph, n);
    if (!p || n.inputs.length > 3 || (n.inputs[2] && !isZero(n.inputs[2]))) return false;
    const padded = w.fresh(`${n.outputs[0]}_5d`);
    emit({ ...n, inputs: [w.view5(input.name, input.channels), w.ints(`${n.outputs[0]}_pads5`, [0, 0, p[2], p[3], 0, 0, 0, p[6], p[7], 0])], outputs: [padded] });
    w.view4(padded, input.channels, w.setBlocked(n.outputs[0], input.channels));
    return true;
  }

  function isZero(name: string): boolean {
    const t = graph.initializers.get(name);
    return !!t && (values(t) as ArrayLike<number>).length === 1 && (values(t) as ArrayLike<number>)[0] === 0;
  }

  function convertConv(conv: Node): boolean {
    const weights = graph.initializers.get(conv.inputs[1]);
    const bias = conv.inputs[2] ? graph.initializers.get(conv.inputs[2]) : undefined;
    if (!weights || weights.dataType !== 1 || weights.dims.length !== 4 || (conv.inputs[2] && (!bias || bias.dataType !== 1))) return false;
    if ((attr(conv, "group")?.i ?? 1) !== 1) return false;
    const autoPad = attr(conv, "auto_pad")?.s;
    if (autoPad && autoPad !== "NOTSET" && autoPad !== "VALID") return false;
    const [outputs, inputs] = weights.dims;
    const direct = inputs < block; // read as NCHW (ONNX Runtime's OIHWBo filter format)
    if (!direct && inputs % block !== 0) return false;
    const input = direct ? w.needPlain(conv.inputs[0]) : w.needBlocked(conv.inputs[0], inputs);
    const padded = Math.ceil(outputs / block) * block;
    const filter = w.floats(`${conv.inputs[1]}__nchwc`, [padded, ...weights.dims.slice(1)], reorderFilter(values(weights) as Float32Array, weights.dims, block, direct));
    const biasValues = bias && (values(bias) as Float32Array);
    const convInputs = [input, filter, ...(biasValues ? [w.floats(`${conv.inputs[2]}__nchwc`, [padded], padTo(biasValues, padded))] : [])];
    const kernel = { name: "kernel_shape", type: 7, ints: weights.dims.slice(2) };
    const attributes = [...conv.attributes.filter((a) => a.name !== "kernel_shape"), kernel];
    if (outputs % block === 0) {
      const made = w.nchwc("Conv", convInputs, [w.setBlocked(conv.outputs[0], outputs)], attributes);
      w.fusable.add(made);
      w.convsMade.set(conv.outputs[0], { convs: [made], weights: values(weights) as Float32Array, dims: weights.dims, bias: biasValues, input: conv.inputs[0] });
    } else {
      const raw = w.fresh(`${conv.outputs[0]}__nchwc`);
      w.nchwc("Conv", convInputs, [raw], attributes);
      w.nchwc("ReorderOutput", [raw], [conv.outputs[0]], [intAttr("channels", outputs)]);
      plain.add(conv.outputs[0]);
    }
    return true;
  }
}
