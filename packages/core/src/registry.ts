import { Anime2dError } from "./errors.js";
import type { TensorFormat } from "./tensor.js";
import registryData from "../../../models/registry.json";

/** What a registered model is used for. */
export type ModelKind = "style" | "upscaler" | "detector";

/** A model's input or output tensor: its name in the ONNX graph plus its pixel format. */
export interface TensorSpec extends TensorFormat {
  name: string;
}

/**
 * Everything anime2d needs to find, verify and run a model. Built-in entries come from
 * `models/registry.json`; {@link registerStyle} adds custom ones.
 */
export interface ModelSpec {
  /** Identifier used in options, e.g. `"hayao"`. */
  id: string;
  /** Human-readable name. */
  name: string;
  kind: ModelKind;
  /** Model family, e.g. `"AnimeGANv3"`. */
  family: string;
  /** File name looked up in the model folder, the cache and on the model host. */
  file: string;
  /** Expected SHA-256 (hex) of the file; every file is verified before use when set. */
  sha256?: string;
  /** Expected size in bytes, when known (checked before hashing). */
  bytes?: number;
  input: TensorSpec;
  output: TensorSpec;
  /** Height and width fed to the model must be multiples of this (the image is padded). */
  multipleOf: number;
  /** Smallest height/width the model accepts (the image is padded up to it). */
  minSize?: number;
  /** Output size divided by input size (1 for style generators, 2 for 2× upscalers). */
  scale?: number;
  /** Licence of the weights, as published. */
  licence: string;
  /** Whether the weights' licence allows commercial use. */
  commercialUse: boolean;
  /** Upstream project page. */
  home?: string;
  /** Where the exact file (same sha256) can be downloaded upstream, if anywhere. */
  url?: string | null;
  /** How the file was obtained. */
  source?: string;
  description?: string;
  /** True for styles trained on portraits (face mode is their default). */
  portrait?: boolean;
}

/** A style as listed by {@link listStyles}: a {@link ModelSpec} of kind `"style"`. */
export type StyleInfo = Readonly<ModelSpec>;

const registry = new Map<string, ModelSpec>();
for (const spec of (registryData as unknown as { models: ModelSpec[] }).models) registry.set(spec.id, validateModelSpec(spec));

/** The style used when none is given. */
export const DEFAULT_STYLE = "hayao";

/** Throws `INVALID_OPTION` with every problem found in a spec; returns a normalised copy. */
export function validateModelSpec(spec: ModelSpec): ModelSpec {
  const problems: string[] = [];
  const s = spec as Partial<ModelSpec>;
  if (typeof s.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(s.id)) problems.push("id must be lower-case letters, digits, '.', '_' or '-'");
  if (typeof s.file !== "string" || s.file.length === 0 || /[\\/]/.test(s.file)) problems.push("file must be a plain file name");
  if (s.kind !== undefined && !["style", "upscaler", "detector"].includes(s.kind)) problems.push(`kind must be style, upscaler or detector`);
  if (s.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(s.sha256)) problems.push("sha256 must be 64 lower-case hex digits");
  if (!Number.isInteger(s.multipleOf) || (s.multipleOf as number) < 1) problems.push("multipleOf must be a positive integer");
  for (const side of ["input", "output"] as const) {
    const t = s[side];
    if (!t || typeof t.name !== "string") { problems.push(`${side}.name is required`); continue; }
    if (t.layout !== "NHWC" && t.layout !== "NCHW") problems.push(`${side}.layout must be NHWC or NCHW`);
    if (t.channelOrder !== "RGB" && t.channelOrder !== "BGR") problems.push(`${side}.channelOrder must be RGB or BGR`);
    if (!Array.isArray(t.range) || t.range.length !== 2 || !(t.range[1] > t.range[0])) problems.push(`${side}.range must be [low, high] with low < high`);
  }
  if (problems.length) {
    throw new Anime2dError("INVALID_OPTION", `Invalid model spec${s.id ? ` "${s.id}"` : ""}: ${problems.join("; ")}.`);
  }
  const defaults = { kind: "style", family: "custom", name: spec.id, licence: "unknown", commercialUse: false, scale: 1 } as const;
  return { ...defaults, ...spec };
}

/** Lists the registered styles (built-in and custom) with their licences and IO facts. */
export function listStyles(): StyleInfo[] {
  return listModels("style");
}

/** Lists registered models of one kind, or all. */
export function listModels(kind?: ModelKind): StyleInfo[] {
  return [...registry.values()].filter((m) => kind === undefined || m.kind === kind).map((m) => Object.freeze({ ...m }));
}

/**
 * Adds a custom ONNX generator (or replaces a custom one with the same id). Built-in ids
 * cannot be replaced, so `"hayao"` always means the verified file.
 */
export function registerStyle(spec: Omit<ModelSpec, "kind" | "family" | "name" | "licence" | "commercialUse"> & Partial<ModelSpec>): StyleInfo {
  const normal = validateModelSpec({ kind: "style", ...spec } as ModelSpec);
  const existing = registry.get(normal.id);
  if (existing && builtinIds.has(normal.id)) {
    throw new Anime2dError("INVALID_OPTION", `"${normal.id}" is a built-in model and cannot be replaced; choose another id.`);
  }
  registry.set(normal.id, normal);
  return Object.freeze({ ...normal });
}

/** Adds a model of any kind; used by the finishing and face modules for their own models. */
export function registerModel(spec: ModelSpec): StyleInfo {
  return registerStyle(spec);
}

/** Looks a model up by id; `UNKNOWN_STYLE` lists the ids that exist. */
export function getModel(id: string, kind: ModelKind = "style"): ModelSpec {
  const spec = registry.get(id);
  if (!spec || spec.kind !== kind) {
    const known = listModels(kind).map((m) => m.id).join(", ");
    throw new Anime2dError("UNKNOWN_STYLE", `Unknown ${kind} "${id}". Registered: ${known}.`);
  }
  return spec;
}

const builtinIds = new Set(registry.keys());

/** The models registered at run time (custom styles), e.g. to mirror them in a worker. */
export function customModels(): ModelSpec[] {
  return [...registry.values()].filter((m) => !builtinIds.has(m.id));
}
