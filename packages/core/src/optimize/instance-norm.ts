import { floatTensor, int64Tensor, type Graph, type Node } from "../onnx/model.js";
import { attr, constantFloats, constantScalar, consumers, floatAttr, intAttr, intsAttr, isPlainConv, nameMaker, node, onlyReader, pixelCountNodes, producers, sameInts } from "./graph-tools.js";

/**
 * Instance norms spelled out as ReduceMean/Sub/Mul/Sqrt/Div chains (NCHW, after the layout
 * rewrite), in AnimeGANv3's adaptive form: the normalised features are rescaled by the
 * standard deviation and shifted by the mean of a 1×1 conv of the same input,
 *
 *   (x − μ) / √(σ² + ε₁) · √(σ'² + ε₂) + μ'     with (μ', σ'²) the moments of y = W ∗ x.
 *
 * y is computed only for those two statistics. They follow from x's own: μ' = W·μ and
 * σ'² = diag(W·Σ·Wᵀ), Σ being x's channel covariance, taken from the mean-centred Gram matrix
 * (one MatMul) so that flat images do not lose everything to cancellation (the uncentred
 * E[xxᵀ] − μμᵀ form measured 4.7e-2 off on a white image). The chain then becomes a single
 * BatchNormalization with run-time statistics. Batch 1 only, like the pipeline.
 */
export function fuseInstanceNorms(graph: Graph, fusedNorms: FusedNorm[] = []): number {
  let fused = 0;
  for (;;) {
    const match = findAdaptiveNorm(graph);
    if (!match) return fused;
    fusedNorms.push(replace(graph, match));
    fused++;
  }
}

/**
 * What a fused norm left in the graph, by tensor name, for later rewrites that compute the same
 * statistics another way (blocked-layout.ts).
 */
export interface FusedNorm {
  /** The normalised input, [1, C, H, W]. */
  x: string;
  channels: number;
  /** x's spatial mean, [1, C, 1, 1]; also read by the μ' = W·μ nodes. */
  mean: string;
  /** x − μ; also read by the Shape that counts H·W. */
  centred: string;
  /** The Gram matrix of x − μ, [C, C] (H·W times the covariance), and the nodes that only feed it. */
  gram: string;
  gramInputs: string[];
  /** The BatchNormalization's output: the norm's output. */
  output: string;
}

interface Moments {
  /** The tensor whose moments these are. */
  x: string;
  /** Its spatial mean (ReduceMean output). */
  mean: string;
  /** ε added to the variance before the square root. */
  eps: number;
  /** The nodes from the mean to the square root. */
  nodes: Node[];
}

interface AdaptiveNorm {
  x: string;
  moments: Moments;
  convMoments: Moments;
  /** 1×1 conv weights, [C, C]. */
  weights: Float32Array;
  channels: number;
  output: string;
  nodes: Node[];
}

const SPATIAL = [2, 3];

function findAdaptiveNorm(graph: Graph): AdaptiveNorm | undefined {
  const made = producers(graph);
  const readers = consumers(graph);
  for (const div of graph.nodes) {
    if (div.op !== "Div" || div.inputs.length !== 2) continue;
    const moments = matchMoments(graph, made, div.inputs[1]);
    const sub = made.get(div.inputs[0]);
    if (!moments || !sub || sub.op !== "Sub" || !sameInts(sub.inputs, [moments.x, moments.mean])) continue;
    const mul = onlyReader(readers, div.outputs[0]);
    if (!mul || mul.op !== "Mul") continue;
    const other = mul.inputs[0] === div.outputs[0] ? mul.inputs[1] : mul.inputs[0];
    const convMoments = matchMoments(graph, made, other);
    if (!convMoments) continue;
    const add = onlyReader(readers, mul.outputs[0]);
    if (!add || add.op !== "Add" || !add.inputs.includes(mul.outputs[0]) || !add.inputs.includes(convMoments.mean)) continue;
    const conv = made.get(convMoments.x);
    const weights = conv && pointwiseConv(graph, conv, moments.x);
    if (!conv || !weights) continue;
    const channels = Math.sqrt(weights.length);
    const nodes = [div, sub, mul, add, conv, ...moments.nodes, ...convMoments.nodes];
    if (!closed(nodes, readers, add.outputs[0])) continue;
    return { x: moments.x, moments, convMoments, weights, channels, output: add.outputs[0], nodes };
  }
  return undefined;
}

/**
 * Matches √(ReduceMean((x − m)², [2,3]) + ε) with m = ReduceMean(x, [2,3]), starting at the
 * square root's output.
 */
function matchMoments(graph: Graph, made: Map<string, Node>, sqrtOutput: string): Moments | undefined {
  const sqrt = made.get(sqrtOutput);
  if (sqrt?.op !== "Sqrt") return undefined;
  const add = made.get(sqrt.inputs[0]);
  if (add?.op !== "Add" || add.inputs.length !== 2) return undefined;
  const epsIndex = add.inputs.findIndex((i) => constantScalar(graph, i) !== undefined);
  if (epsIndex < 0) return undefined;
  const variance = made.get(add.inputs[1 - epsIndex]);
  if (!isSpatialMean(variance)) return undefined;
  const square = made.get(variance!.inputs[0]);
  if (square?.op !== "Mul" || square.inputs[0] !== square.inputs[1]) return undefined;
  const diff = made.get(square.inputs[0]);
  if (diff?.op !== "Sub") return undefined;
  const mean = made.get(diff.inputs[1]);
  if (!isSpatialMean(mean) || mean!.inputs[0] !== diff.inputs[0]) return undefined;
  return { x: diff.inputs[0], mean: mean!.outputs[0], eps: constantScalar(graph, add.inputs[epsIndex])!, nodes: [sqrt, add, variance!, square, diff, mean!] };
}

function isSpatialMean(n: Node | undefined): boolean {
  return n?.op === "ReduceMean" && n.inputs.length === 1 && sameInts(attr(n, "axes")?.ints, SPATIAL) && attr(n, "keepdims")?.i !== 0;
}

/** A bias-free, unpadded, stride-1 1×1 Conv of `x` with as many outputs as inputs: its weights. */
function pointwiseConv(graph: Graph, conv: Node, x: string): Float32Array | undefined {
  if (conv.op !== "Conv" || conv.inputs.length !== 2 || conv.inputs[0] !== x) return undefined;
  const w = graph.initializers.get(conv.inputs[1]);
  const data = constantFloats(graph, conv.inputs[1]);
  if (!w || !data || w.dims.length !== 4 || w.dims[0] !== w.dims[1] || w.dims[2] !== 1 || w.dims[3] !== 1) return undefined;
  if (!isPlainConv(conv, [1, 1])) return undefined;
  return data;
}

/** True when nothing outside `nodes` reads their outputs, except `output`. */
function closed(nodes: Node[], readers: Map<string, (Node | undefined)[]>, output: string): boolean {
  const set = new Set(nodes);
  return nodes.every((n) => n.outputs.every((o) => o === output || (readers.get(o) ?? []).every((r) => r !== undefined && set.has(r))));
}

function replace(graph: Graph, m: AdaptiveNorm): FusedNorm {
  const fresh = nameMaker(graph);
  const c = m.channels;
  const at = Math.min(...m.nodes.map((n) => graph.nodes.indexOf(n)));
  const name = (s: string) => fresh(`${m.output}__in_${s}`);
  const constant = (s: string, dims: number[], data: Float32Array) => {
    const n = name(s);
    graph.initializers.set(n, floatTensor(n, dims, data));
    return n;
  };
  const ints = (s: string, data: number[]) => {
    const n = name(s);
    graph.initializers.set(n, int64Tensor(n, data));
    return n;
  };
  const identity = new Float32Array(c * c);
  for (let i = 0; i < c; i++) identity[i * c + i] = 1;
  const w = constant("w", [c, c], m.weights);
  const eye = constant("eye", [c, c], identity);
  const eps2 = constant("eps", [], Float32Array.of(m.convMoments.eps));
  const [mean, centred, flat, flatT, gram, inverse, cov] = ["mean", "centred", "flat", "flatT", "gram", "inv", "cov"].map(name);
  const pixels = pixelCountNodes(centred, name, ints);
  const [diag, variance, wCov, wCovW, convVariance, convVarEps, scale, meanColumn, convMean, convMeanFlat] = [
    "diag", "var", "wcov", "wcovw", "cvar", "cvareps", "scale", "mcol", "cmean", "cmeanflat",
  ].map(name);
  const added: Node[] = [
    node("ReduceMean", [m.x], [mean], [intsAttr("axes", SPATIAL), intAttr("keepdims", 1)]),
    node("Sub", [m.x, mean], [centred]),
    node("Reshape", [centred, ints("cn", [c, -1])], [flat]),
    node("Transpose", [flat], [flatT], [intsAttr("perm", [1, 0])]),
    node("MatMul", [flat, flatT], [gram]),
    // 1/N, N = H·W, from the input's shape.
    ...pixels.nodes,
    node("Reciprocal", [pixels.count], [inverse]),
    node("Mul", [gram, inverse], [cov]),
    // σ² = diag(Σ); σ'² = diag(W Σ Wᵀ) = rowsum((W Σ) ⊙ W).
    node("Mul", [cov, eye], [diag]),
    node("ReduceSum", [diag, ints("ax1", [1])], [variance], [intAttr("keepdims", 0)]),
    node("MatMul", [w, cov], [wCov]),
    node("Mul", [wCov, w], [wCovW]),
    node("ReduceSum", [wCovW, ints("ax1b", [1])], [convVariance], [intAttr("keepdims", 0)]),
    node("Add", [convVariance, eps2], [convVarEps]),
    node("Sqrt", [convVarEps], [scale]),
    // μ' = W μ.
    node("Reshape", [mean, ints("c1", [c, 1])], [meanColumn]),
    node("MatMul", [w, meanColumn], [convMean]),
    node("Reshape", [convMean, ints("c", [c])], [convMeanFlat]),
    // Normalises the centred tensor (mean 0): x itself is then read only by the mean and the
    // Sub, so a quantized x is dequantized once rather than once per reader.
    node("BatchNormalization", [centred, scale, convMeanFlat, constant("zero", [c], new Float32Array(c)), variance], [m.output], [floatAttr("epsilon", m.moments.eps)]),
  ];
  const removed = new Set(m.nodes);
  const kept = graph.nodes.filter((n) => !removed.has(n));
  const insertAt = kept.indexOf(graph.nodes.slice(at).find((n) => !removed.has(n))!);
  kept.splice(insertAt < 0 ? kept.length : insertAt, 0, ...added);
  graph.nodes = kept;
  return { x: m.x, channels: c, mean, centred, gram, gramInputs: [flat, flatT], output: m.output };
}
