import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import {
  Anime2dError,
  createStylizer,
  defaultPoolShape,
  isAnime2dError,
  styleId,
  listStyles,
  listUpscalers,
  DEFAULT_STYLE,
  DEFAULT_UPSCALER,
  type AnimeImage,
  type ColorMode,
  type FaceMode,
  type NodeStylizerOptions,
  type UpscalerId,
} from "../index.js";
import { writeComparison } from "./compare.js";
import { planJobs, resultName, type FileJob } from "./inputs.js";
import { createReporter } from "./report.js";
import { checkThreads } from "@anime2d/core";

const HELP = `Usage: anime2d <files, folders or globs...> [options]

Turns photos into anime-style images. Folders are read recursively; the output folder
mirrors the input tree.

Other commands (each has --help):
  anime2d video <clips...>       stylize video clips, sound kept (needs ffmpeg)
  anime2d models list|fetch|import|path
                                 see, download or import the model files
  anime2d serve                  the HTTP service and web page
  anime2d worker --redis URL     a queue worker for anime2d serve --redis

Options:
  -s, --style <id>        style (default ${DEFAULT_STYLE}); see --list-styles
  -o, --out <dir>         output folder (default: anime2d-out)
      --strength <0..1>   mix with the original (default 1)
      --format <fmt>      png | jpeg | webp (default png)
      --face <mode>       off | auto | avatar (default: auto for portrait styles, else off)
      --color <mode>      model | match | preserve (default: per style)
      --upscale           2× the output resolution
      --upscaler <id>     ${listUpscalers().join(" | ")} (default ${DEFAULT_UPSCALER})
      --compare           write the photo and the result side by side
      --skip-existing     leave files whose result already exists
      --concurrency <n>   photos in flight at once, one worker each (default: one per core, at most 4)
      --threads <n>       ONNX Runtime threads per worker (default: cores / workers)
      --json              one JSON line per file on stdout, for scripts
      --model-dir <dir>   folder with model files (default: $ANIME2D_MODEL_DIR)
      --list-styles       print the styles with their licences and exit
  -v, --version           print the version and exit
  -h, --help              show this help`;

const FORMATS = ["png", "jpeg", "webp"] as const;
const COLORS = ["model", "match", "preserve"];
const FACES = ["off", "auto", "avatar"];

/** `anime2d [stylize] <inputs...>`: resolves to the process exit code. */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        style: { type: "string", short: "s", default: DEFAULT_STYLE },
        out: { type: "string", short: "o", default: "anime2d-out" },
        strength: { type: "string" },
        format: { type: "string", default: "png" },
        color: { type: "string" },
        face: { type: "string" },
        upscale: { type: "boolean" },
        upscaler: { type: "string" },
        compare: { type: "boolean" },
        "skip-existing": { type: "boolean" },
        concurrency: { type: "string" },
        threads: { type: "string" },
        json: { type: "boolean" },
        "model-dir": { type: "string" },
        "list-styles": { type: "boolean" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return print(HELP);
  if (values.version) return print(version());
  if (values["list-styles"]) return print(stylesTable());
  if (positionals.length === 0) return usage("no input files.");

  let settings: Settings;
  try {
    settings = await checkOptions(values);
  } catch (error) {
    // Bad options are reported once, before any work: one line, exit 2.
    const code = isAnime2dError(error) ? `${error.code}: ` : "";
    console.error(`anime2d: ${code}${(error as Error).message}`);
    return 2;
  }
  return stylizeAll(positionals, settings, values);
}

interface Settings {
  stylizer: NodeStylizerOptions;
  concurrency: number;
  format: (typeof FORMATS)[number];
  out: string;
}

type Values = Record<string, string | boolean | undefined>;

async function stylizeAll(inputs: string[], settings: Settings, values: Values): Promise<number> {
  const { out, format, concurrency } = settings;
  const { jobs, empty } = await planJobs(inputs, out, resultName(String(values.style), format === "jpeg" ? "jpg" : format));
  const skip = values["skip-existing"] ? jobs.filter((job) => existsSync(job.target)) : [];
  const todo = jobs.filter((job) => !skip.includes(job));
  const report = createReporter(Boolean(values.json), jobs.length);
  for (const arg of empty) report.notice(`${arg}: no image files found`);
  for (const job of skip) report.skipped(job);

  const stylizer = createStylizer(settings.stylizer);
  const started = new Map<number, number>();
  let failed = empty.length;
  try {
    const batch = stylizer.stylizeMany(
      todo.map((job) => job.input),
      {
        concurrency,
        onProgress: (event) => {
          if (event.index !== undefined && !started.has(event.index)) started.set(event.index, performance.now());
          report.progress(event, event.index === undefined ? undefined : todo[event.index]?.input);
        },
      },
    );
    for await (const item of batch) {
      const job = todo[item.index]!;
      try {
        if (item.error) throw item.error;
        await save(job, item.result, Boolean(values.compare));
        report.written(job, item.result, performance.now() - (started.get(item.index) ?? performance.now()));
      } catch (error) {
        failed++;
        report.failed(job, isAnime2dError(error) ? error : new Anime2dError("ENCODE_FAILED", (error as Error).message));
      }
    }
  } finally {
    report.end();
    await stylizer.dispose();
  }
  return failed ? 1 : 0;
}

async function save(job: FileJob, result: AnimeImage, compare: boolean): Promise<void> {
  await mkdir(dirname(job.target), { recursive: true });
  if (compare) await writeComparison(job.input, result, job.target);
  else await result.toFile(job.target);
}

/** Checks every option before any work; throws the first problem as an Anime2dError. */
async function checkOptions(values: Values): Promise<Settings> {
  const invalid = (message: string) => new Anime2dError("INVALID_OPTION", message);
  // UNKNOWN_STYLE, naming the registered ones, for a style the registry doesn't have.
  const style = styleId(String(values.style));
  const format = values.format as Settings["format"];
  if (!FORMATS.includes(format)) throw invalid(`--format must be png, jpeg or webp, got "${format}".`);
  const strength = values.strength === undefined ? undefined : Number(values.strength);
  if (strength !== undefined && !(strength >= 0 && strength <= 1)) throw invalid(`--strength must be a number from 0 to 1, got "${values.strength}".`);
  if (values.color !== undefined && !COLORS.includes(String(values.color))) throw invalid(`--color must be ${COLORS.join(", ")}, got "${values.color}".`);
  if (values.face !== undefined && !FACES.includes(String(values.face))) throw invalid(`--face must be ${FACES.join(", ")}, got "${values.face}".`);
  const upscalers: string[] = listUpscalers();
  if (values.upscaler !== undefined && !upscalers.includes(String(values.upscaler))) throw invalid(`--upscaler must be ${upscalers.join(", ")}, got "${values.upscaler}".`);
  const concurrency = positiveInt("--concurrency", values.concurrency);
  const threads = positiveInt("--threads", values.threads);
  checkThreads(threads, availableParallelism());
  const out = String(values.out);
  const existing = await stat(out).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw invalid(`--out ${out} is a file; give a folder.`);
  // One worker per photo in flight, the cores shared among them. Folders are batches: by
  // default one single-threaded worker per core (at most 4), the best throughput measured.
  const shape = defaultPoolShape({ workers: concurrency ?? (threads ? undefined : Math.min(availableParallelism(), 4)), threads });
  return {
    out,
    format,
    concurrency: concurrency ?? shape.workers,
    stylizer: {
      style,
      strength,
      workers: shape.workers,
      threads: shape.threads,
      modelDir: values["model-dir"] as string | undefined,
      color: values.color as ColorMode | undefined,
      face: values.face as FaceMode | undefined,
      upscale: values.upscale || values.upscaler ? 2 : undefined,
      upscaler: values.upscaler as UpscalerId | undefined,
    },
  };
}

function positiveInt(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Anime2dError("INVALID_OPTION", `${name} must be a positive integer, got "${value}".`);
  return n;
}

function usage(problem: string): number {
  console.error(`anime2d: ${problem}\n\n${HELP}`);
  return 2;
}

function print(text: string): number {
  console.log(text);
  return 0;
}

function version(): string {
  // dist/node/cli.js → the package's package.json.
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}

function stylesTable(): string {
  return listStyles()
    .map((s) => `${s.id.padEnd(20)} ${s.name.padEnd(24)} ${s.commercialUse ? "commercial ok " : "non-commercial"}  ${s.licence}`)
    .join("\n");
}
