import type { InferenceSession, Tensor } from "onnxruntime-common";
import type { OrtModule } from "../platform.js";
import type { ModelSpec } from "../registry.js";
import { concat, lengthDelimited, stringField, varintField } from "../onnx/protobuf.js";
import { NCHWC_DOMAIN } from "./blocked-layout.js";

/**
 * ONNX Runtime's NCHWc block size on this machine: 16 with AVX-512, 8 with AVX2, 0 where its
 * build has no blocked kernels (onnxruntime-web, some Arm builds). Asked once per ONNX Runtime
 * module by running its ReorderInput on 4 channels: the output is padded to one block.
 */
export function nchwcBlockSize(ort: OrtModule): Promise<number> {
  let known = blockSizes.get(ort);
  if (!known) {
    known = probeBlockSize(ort).catch(() => 0);
    blockSizes.set(ort, known);
  }
  return known;
}

const blockSizes = new WeakMap<OrtModule, Promise<number>>();

async function probeBlockSize(ort: OrtModule): Promise<number> {
  const session = await ort.InferenceSession.create(reorderModel(), { graphOptimizationLevel: "disabled", logSeverityLevel: 4 });
  try {
    const x = new ort.Tensor("float32", new Float32Array(4), [1, 4, 1, 1]);
    const y = (await session.run({ x })).y as Tensor;
    const block = y.dims[1];
    y.dispose?.();
    return block === 8 || block === 16 ? block : 0;
  } finally {
    await session.release();
  }
}

/** `y = ReorderInput(x)`, x float [1, 4, 1, 1]. */
function reorderModel(): Uint8Array {
  const valueInfo = (name: string, dims: number[]) => {
    const shape = concat(dims.map((d) => lengthDelimited(1, varintField(1, d))));
    const tensorType = concat([varintField(1, 1), lengthDelimited(2, shape)]);
    return concat([stringField(1, name), lengthDelimited(2, lengthDelimited(1, tensorType))]);
  };
  const node = concat([stringField(1, "x"), stringField(2, "y"), stringField(3, "reorder"), stringField(4, "ReorderInput"), stringField(7, NCHWC_DOMAIN)]);
  const graph = concat([lengthDelimited(1, node), stringField(2, "block_size"), lengthDelimited(11, valueInfo("x", [1, 4, 1, 1])), lengthDelimited(12, stringField(1, "y"))]);
  const opset = (domain: string, version: number) => lengthDelimited(8, concat([stringField(1, domain), varintField(2, version)]));
  return concat([varintField(1, 8), lengthDelimited(7, graph), opset("", 13), opset(NCHWC_DOMAIN, 1)]);
}

/**
 * True when `candidate` computes what `reference` does (max |Δ| ≤ 1e-3) on a small image-like
 * input: the last guard before a machine-specific graph is cached and used.
 */
export async function sameOutputs(ort: OrtModule, spec: Pick<ModelSpec, "input" | "multipleOf">, candidate: Uint8Array, reference: Uint8Array): Promise<boolean> {
  const { input, multipleOf } = spec;
  const [h, w] = [48, 64].map((n) => Math.ceil(n / multipleOf) * multipleOf);
  const dims = input.layout === "NCHW" ? [1, 3, h, w] : [1, h, w, 3];
  const data = new Float32Array(3 * h * w);
  for (let i = 0; i < data.length; i++) data[i] = 0.8 * Math.sin(i * 0.0137) + 0.15 * Math.cos(i * 0.37);
  const outputs = async (bytes: Uint8Array) => {
    const session: InferenceSession = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all", intraOpNumThreads: 1, logSeverityLevel: 3 });
    try {
      const result = await session.run({ [input.name]: new ort.Tensor("float32", data, dims) });
      return session.outputNames.map((name) => (result[name] as Tensor).data as Float32Array);
    } finally {
      await session.release();
    }
  };
  const [a, b] = [await outputs(candidate), await outputs(reference)];
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => Math.abs(v - b[i][j]) <= 1e-3));
}
