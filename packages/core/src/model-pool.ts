import type { InferenceSession, Tensor } from "onnxruntime-common";
import { Anime2dError, asAnime2dError, throwIfAborted } from "./errors.js";
import { env } from "./env.js";
import { resolveModelBytes, type ModelSource } from "./model-source.js";
import type { Platform } from "./platform.js";
import type { ProgressCallback } from "./progress.js";
import type { ModelSpec } from "./registry.js";
import type { Int8Params } from "./optimize/int8-qdq.js";
import { runnableBytes, type BlockedLayout } from "./optimize/cache.js";
import { nchwcBlockSize, sameOutputs } from "./optimize/block-size.js";
import { checkPrecision, int8ParamsFor, type Precision } from "./optimize/int8-registry.js";
import { checkThreads } from "./validate.js";

/** A model whose session is open and whose IO names were checked against its spec. */
export interface LoadedModel {
  spec: ModelSpec;
  session: InferenceSession;
  /** Runs the model on one float32 tensor; returns the output tensor's data and dims. */
  run(input: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
  /** The model file's bytes, from which derived graphs are built (see {@link LoadedModel.openDerived}). */
  bytes?: Uint8Array;
  /**
   * Opens a session on a graph derived from this model (e.g. tiling's copy with frozen
   * normalisation statistics), with the pool's session options; `dispose()` releases it.
   * `keepArena: false` returns a run's working memory after each run (for graphs run once per
   * image, whose arena would otherwise stay at its largest size).
   */
  openDerived?(bytes: Uint8Array, options?: { keepArena?: boolean }): Promise<GraphSession>;
}

/** Float32 tensors by name, as fed to or returned by a {@link GraphSession}. */
export type TensorMap = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** A session with any number of float32 inputs and outputs. */
export interface GraphSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; only the outputs named in `outputs` (default all) are returned. */
  run(feeds: TensorMap, outputs?: readonly string[]): Promise<TensorMap>;
}

/** Options that decide which file a model is loaded from and how its session runs. */
export interface ModelPoolOptions {
  /** Folder with model files (wins over `env.modelDir`). */
  modelDir?: string;
  /** Explicit files per model id (path, URL or bytes). */
  models?: Record<string, ModelSource>;
  /** ONNX Runtime intra-op threads; the runtime's default when unset. */
  threads?: number;
  /** Extra ONNX Runtime session options, applied last (execution providers, memory arena…). */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Runs style models through the graph optimiser (exact rewrites, built on first load and
   * cached; see docs/speed.md). Default true; `false` runs the files exactly as published.
   */
  optimize?: boolean;
  /**
   * `"int8"` runs style models as static INT8 (QDQ) on the optimised graph: about 1.4–1.6×
   * faster again, ≥ 40 dB PSNR vs fp32. Offered only by the styles that keep that quality
   * (`int8Styles()`); any other style throws `INVALID_OPTION`. Default `"fp32"`.
   */
  precision?: Precision;
}

/**
 * Opens each model once and keeps its session (one per model file) until disposed:
 * session creation costs far more than a run.
 */
export class ModelPool {
  private readonly sessions = new Map<string, Promise<LoadedModel>>();
  private readonly derived: InferenceSession[] = [];

  constructor(
    private readonly platform: Platform,
    private readonly options: ModelPoolOptions = {},
  ) {
    checkPrecision(options.precision);
    checkThreads(options.threads, platform.cores);
  }

  /** Returns the loaded model, opening it on first use. */
  async get(spec: ModelSpec, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<LoadedModel> {
    const source = this.options.models?.[spec.id];
    const key = `${spec.id}\u0000${spec.sha256 ?? ""}\u0000${typeof source === "string" ? source : source ? "bytes" : ""}`;
    let loading = this.sessions.get(key);
    if (!loading) {
      loading = this.open(spec, source, signal, onProgress);
      this.sessions.set(key, loading);
      // A failed load is not cached: the next call tries again (the file may have been fixed).
      loading.catch(() => this.sessions.delete(key));
    }
    return loading;
  }

  /** Releases every session. */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    const derived = this.derived.splice(0);
    this.sessions.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.session.release()));
    await Promise.all(derived.map((session) => session.release()));
  }

  private async open(spec: ModelSpec, source: ModelSource | undefined, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<LoadedModel> {
    // Refused before any download: the style has no INT8 calibration.
    const int8 = this.options.precision === "int8" && spec.kind === "style" ? int8ParamsFor(spec, this.options.optimize) : undefined;
    const bytes = await resolveModelBytes(spec, this.platform.io, env, { source, modelDir: this.options.modelDir, signal, onProgress });
    throwIfAborted(signal);
    onProgress?.({ stage: "load-model", model: spec.id });
    const session = await this.openRunnable(spec, bytes, int8);
    checkNames(spec, session);
    return {
      spec,
      session,
      bytes,
      run: (data, dims) => this.run(spec, session, data, dims),
      openDerived: async (derivedBytes, derivedOptions) => {
        const arena = derivedOptions?.keepArena === false ? { enableCpuMemArena: false, enableMemPattern: false } : {};
        const derived = await this.createSession(spec, derivedBytes, arena);
        this.derived.push(derived);
        return graphSession(this.platform, spec, derived);
      },
    };
  }

  /** A style model's session on its optimised graph, falling back to the source file if ONNX Runtime refuses it. */
  private async openRunnable(spec: ModelSpec, bytes: Uint8Array, int8?: Int8Params): Promise<InferenceSession> {
    if (this.options.optimize === false || spec.kind !== "style") return this.createSession(spec, bytes);
    const cache = env.useCache ? this.platform.io.cache?.() : undefined;
    const blocked = int8 ? undefined : await this.blockedLayout(spec);
    const optimized = await runnableBytes(bytes, spec.sha256, this.platform.io, cache, int8, blocked);
    if (optimized === bytes) return this.createSession(spec, bytes);
    return this.createSession(spec, optimized).catch(async () => {
      // A blocked graph cached under another ONNX Runtime version may no longer load: the plain
      // optimised graph still should.
      const plain = blocked ? await runnableBytes(bytes, spec.sha256, this.platform.io, cache, int8) : bytes;
      return this.createSession(spec, plain).catch(() => this.createSession(spec, bytes));
    });
  }

  /**
   * ONNX Runtime's blocked layout for this machine, when its sessions run on the CPU provider
   * alone (the blocked ops are CPU kernels) and its build has them.
   */
  private async blockedLayout(spec: ModelSpec): Promise<BlockedLayout | undefined> {
    const providers = (this.sessionOptions().executionProviders ?? ["cpu"]).map((p) => (typeof p === "string" ? p : p.name));
    if (providers.some((p) => p !== "cpu")) return undefined;
    const blockSize = await nchwcBlockSize(this.platform.ort);
    if (!blockSize) return undefined;
    return { blockSize, verify: (candidate, plain) => sameOutputs(this.platform.ort, spec, candidate, plain) };
  }

  /** Every session's options: the platform's, then the caller's. */
  private sessionOptions(): InferenceSession.SessionOptions {
    return { graphOptimizationLevel: "all", ...this.platform.sessionOptions?.({ threads: this.options.threads }), ...this.options.sessionOptions };
  }

  private async createSession(spec: ModelSpec, bytes: Uint8Array, extra: InferenceSession.SessionOptions = {}): Promise<InferenceSession> {
    try {
      return await this.platform.ort.InferenceSession.create(bytes, { ...this.sessionOptions(), ...extra });
    } catch (error) {
      throw asAnime2dError(error, "MODEL_LOAD_FAILED", `ONNX Runtime could not load model "${spec.id}" (${spec.file})`);
    }
  }

  private async run(spec: ModelSpec, session: InferenceSession, data: Float32Array, dims: readonly number[]) {
    const input = new this.platform.ort.Tensor("float32", data, dims);
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await session.run({ [spec.input.name]: input });
    } catch (error) {
      throw asAnime2dError(error, "INFERENCE_FAILED", `Running model "${spec.id}" on a ${dims.join("×")} tensor failed`);
    } finally {
      input.dispose?.();
    }
    const output = outputs[spec.output.name] as Tensor;
    const result = { data: output.data as Float32Array, dims: output.dims };
    for (const name of Object.keys(outputs)) if (name !== spec.output.name) (outputs[name] as Tensor).dispose?.();
    return result;
  }
}

function checkNames(spec: ModelSpec, session: InferenceSession): void {
  if (!session.inputNames.includes(spec.input.name) || !session.outputNames.includes(spec.output.name)) {
    void session.release();
    throw new Anime2dError(
      "MODEL_MISMATCH",
      `Model "${spec.id}" has inputs [${session.inputNames}] and outputs [${session.outputNames}]; ` +
        `its spec expects input "${spec.input.name}" and output "${spec.output.name}".`,
    );
  }
}

function graphSession(platform: Platform, spec: ModelSpec, session: InferenceSession): GraphSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputs) {
      const inputs: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new platform.ort.Tensor("float32", t.data, t.dims);
      let results: InferenceSession.OnnxValueMapType;
      try {
        results = outputs ? await session.run(inputs, [...outputs]) : await session.run(inputs);
      } catch (error) {
        throw asAnime2dError(error, "INFERENCE_FAILED", `Running a derived graph of model "${spec.id}" failed`);
      } finally {
        for (const t of Object.values(inputs)) t.dispose?.();
      }
      const out: TensorMap = {};
      for (const [name, value] of Object.entries(results)) out[name] = { data: (value as Tensor).data as Float32Array, dims: (value as Tensor).dims };
      return out;
    },
  };
}

const sharedPools = new WeakMap<Platform, Map<string, ModelPool>>();

/**
 * The pool a platform's one-shot functions share, one per (modelDir, threads): `stylize()`,
 * `detectFaces()` and `upscale()` reuse each other's open sessions instead of each loading
 * the same model again.
 */
export function sharedPool(platform: Platform, options: Pick<ModelPoolOptions, "modelDir" | "threads" | "optimize" | "precision"> = {}): ModelPool {
  let pools = sharedPools.get(platform);
  if (!pools) sharedPools.set(platform, (pools = new Map()));
  const key = `${options.modelDir ?? ""}|${options.threads ?? ""}|${options.optimize ?? ""}|${options.precision ?? ""}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new ModelPool(platform, { modelDir: options.modelDir, threads: options.threads, optimize: options.optimize, precision: options.precision })));
  return pool;
}
