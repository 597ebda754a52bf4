import { Anime2dError, DEFAULT_STYLE } from "../index.js";
import { INPUT_FORMATS, type InputFormat } from "./formats.js";

/** Options of {@link createServer} and `anime2d serve`. */
export interface ServeOptions {
  /** Interface to listen on (default `127.0.0.1`: loopback only until you choose otherwise). */
  host?: string;
  /** Port (default 8787; 0 picks a free one). */
  port?: number;
  /** Folder with the model files (default `ANIME2D_MODEL_DIR`). */
  modelDir?: string;
  /** Redis URL: jobs go to BullMQ and `anime2d worker` processes run them. Unset: in-process. */
  redis?: string;
  /** Largest request body in bytes (one image, or all images of a batch; default 25 MB). */
  maxBodyBytes?: number;
  /** Largest image in pixels, read from its header before decoding (default 40 MP). */
  maxInputPixels?: number;
  /** Accepted upload formats, recognised by their magic bytes (default all six). */
  formats?: InputFormat[];
  /** Time limit of one image in ms (default 120 000): a `/v1/stylize` request's from its arrival, a batch item's from its start. */
  timeoutMs?: number;
  /** Images that may wait for a free runner before new work gets `429` (default 64). */
  maxQueue?: number;
  /** Worker threads, each stylizing one image at a time (default: the worker pool's default shape). */
  workers?: number;
  /** Most images in one batch job (default 32). */
  maxBatch?: number;
  /** How long finished job results are kept, in seconds (default 3600). */
  resultTtl?: number;
  /** Origins allowed to call the API from other sites (`"*"` or a list); CORS is off by default. */
  cors?: string[];
  /** Serve the web page at `/` (default true). */
  ui?: boolean;
  /** ONNX Runtime threads per model run. */
  threads?: number;
  /** Style used when a request names none (default `"hayao"`). */
  style?: string;
  /** Log one line per request (Fastify's logger; default false). */
  logger?: boolean;
  /** BullMQ queue name (default `"anime2d"`); API and workers must agree. */
  queueName?: string;
}

/** Options with every default filled in. */
export type ServeConfig = Required<Omit<ServeOptions, "modelDir" | "redis" | "threads" | "workers">> & Pick<ServeOptions, "modelDir" | "redis" | "threads" | "workers">;

type Kind = "string" | "int" | "bool" | "list";

/**
 * Every setting once: its option name, command-line flag, `ANIME2D_*` variable and type. The
 * CLI's flags, the environment and the docs are all read from this table.
 */
export const SETTINGS: { key: keyof ServeOptions; flag: string; env: string; kind: Kind; help: string }[] = [
  { key: "host", flag: "host", env: "ANIME2D_HOST", kind: "string", help: "interface to listen on (default 127.0.0.1)" },
  { key: "port", flag: "port", env: "ANIME2D_PORT", kind: "int", help: "port (default 8787)" },
  { key: "modelDir", flag: "model-dir", env: "ANIME2D_MODEL_DIR", kind: "string", help: "folder with the model files" },
  { key: "redis", flag: "redis", env: "ANIME2D_REDIS_URL", kind: "string", help: "Redis URL: queue jobs on BullMQ for `anime2d worker`s" },
  { key: "maxBodyBytes", flag: "max-body-bytes", env: "ANIME2D_MAX_BODY_BYTES", kind: "int", help: "largest request body (default 25000000)" },
  { key: "maxInputPixels", flag: "max-input-pixels", env: "ANIME2D_MAX_INPUT_PIXELS", kind: "int", help: "largest image in pixels (default 40000000)" },
  { key: "formats", flag: "formats", env: "ANIME2D_FORMATS", kind: "list", help: `accepted formats (default ${INPUT_FORMATS.join(",")})` },
  { key: "timeoutMs", flag: "timeout-ms", env: "ANIME2D_TIMEOUT_MS", kind: "int", help: "time limit per image: from arrival (stylize), from start (job items) (default 120000)" },
  { key: "maxQueue", flag: "max-queue", env: "ANIME2D_MAX_QUEUE", kind: "int", help: "images waiting before 429 (default 64)" },
  { key: "workers", flag: "workers", env: "ANIME2D_WORKERS", kind: "int", help: "worker threads, one image each at a time" },
  { key: "maxBatch", flag: "max-batch", env: "ANIME2D_MAX_BATCH", kind: "int", help: "most images per job (default 32)" },
  { key: "resultTtl", flag: "result-ttl", env: "ANIME2D_RESULT_TTL", kind: "int", help: "seconds job results are kept (default 3600)" },
  { key: "cors", flag: "cors", env: "ANIME2D_CORS", kind: "list", help: "allowed origins, comma-separated, or * (default: CORS off)" },
  { key: "ui", flag: "ui", env: "ANIME2D_UI", kind: "bool", help: "serve the web page at / (default true; --no-ui)" },
  { key: "threads", flag: "threads", env: "ANIME2D_THREADS", kind: "int", help: "ONNX Runtime threads per worker" },
  { key: "style", flag: "style", env: "ANIME2D_STYLE", kind: "string", help: `default style (default ${DEFAULT_STYLE})` },
  { key: "logger", flag: "log", env: "ANIME2D_LOG", kind: "bool", help: "log each request" },
  { key: "queueName", flag: "queue-name", env: "ANIME2D_QUEUE_NAME", kind: "string", help: "BullMQ queue name (default anime2d)" },
];

const DEFAULTS: Omit<ServeConfig, "modelDir" | "redis" | "threads" | "workers"> = {
  host: "127.0.0.1",
  port: 8787,
  maxBodyBytes: 25_000_000,
  maxInputPixels: 40_000_000,
  formats: [...INPUT_FORMATS],
  timeoutMs: 120_000,
  maxQueue: 64,
  maxBatch: 32,
  resultTtl: 3600,
  cors: [],
  ui: true,
  style: DEFAULT_STYLE,
  logger: false,
  queueName: "anime2d",
};

/** Fills defaults and checks every value; bad values fail with `INVALID_OPTION`. */
export function resolveServeOptions(options: ServeOptions = {}): ServeConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULTS, ...defined } as ServeConfig;
  for (const key of ["maxBodyBytes", "maxInputPixels", "timeoutMs", "maxBatch", "resultTtl"] as const) {
    if (!Number.isFinite(config[key]) || config[key] <= 0) throw new Anime2dError("INVALID_OPTION", `${key} must be a positive number, got ${config[key]}.`);
  }
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Anime2dError("INVALID_OPTION", `port must be 0..65535, got ${config.port}.`);
  if (!Number.isInteger(config.maxQueue) || config.maxQueue < 0) throw new Anime2dError("INVALID_OPTION", `maxQueue must be 0 or more, got ${config.maxQueue}.`);
  const unknown = config.formats.filter((f) => !INPUT_FORMATS.includes(f));
  if (unknown.length) throw new Anime2dError("INVALID_OPTION", `Unknown input formats ${unknown.join(", ")}; use ${INPUT_FORMATS.join(", ")}.`);
  return config;
}

/** Reads the `ANIME2D_*` variables of {@link SETTINGS}; flags given later override them. */
export function serveOptionsFromEnv(environment: Record<string, string | undefined> = process.env): ServeOptions {
  const options: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = environment[setting.env];
    if (raw !== undefined && raw !== "") options[setting.key] = parseSetting(setting.kind, raw, setting.env);
  }
  return options as ServeOptions;
}

/** Parses one setting's text (from a flag or a variable) by its kind. */
export function parseSetting(kind: Kind, raw: string | boolean, name: string): unknown {
  if (kind === "bool") return raw === true || raw === "1" || raw === "true";
  const text = String(raw);
  if (kind === "list") return text.split(",").map((s) => s.trim()).filter(Boolean);
  if (kind === "int") {
    const value = Number(text);
    if (!Number.isFinite(value)) throw new Anime2dError("INVALID_OPTION", `${name} must be a number, got "${text}".`);
    return value;
  }
  return text;
}
