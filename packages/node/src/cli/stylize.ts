import { mkdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseArgs } from "node:util";
import { createStylizer, isAnime2dError, styleId, listStyles, listUpscalers, DEFAULT_STYLE, DEFAULT_UPSCALER, type ColorMode, type FaceMode, type ProgressEvent } from "../index.js";

const HELP = `Usage: anime2d <files...> [options]

Turns photos into anime-style images.

Options:
  -s, --style <id>       style (default ${DEFAULT_STYLE}); see --list-styles
  -o, --out <dir>        output folder (default: anime2d-out)
      --strength <0..1>  mix with the original (default 1)
      --format <fmt>     png | jpeg | webp (default png)
      --face <mode>      off | auto | avatar (default: auto for portrait styles, else off)
      --color <mode>     model | match | preserve (default: per style)
      --upscale          2× the output resolution
      --upscaler <id>    ${listUpscalers().join(" | ")} (default ${DEFAULT_UPSCALER})
      --threads <n>      ONNX Runtime threads
      --model-dir <dir>  folder with model files (default: $ANIME2D_MODEL_DIR)
      --list-styles      print the styles with their licences and exit
  -h, --help             show this help`;

/** `anime2d [stylize] <files...>`: resolves to the process exit code. */
export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
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
        threads: { type: "string" },
        "model-dir": { type: "string" },
        "list-styles": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`anime2d: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) return print(HELP);
  if (values["list-styles"]) return print(stylesTable());
  if (positionals.length === 0) {
    console.error(`anime2d: no input files.\n\n${HELP}`);
    return 2;
  }
  const format = values.format as "png" | "jpeg" | "webp";
  if (!["png", "jpeg", "webp"].includes(format)) {
    console.error(`anime2d: --format must be png, jpeg or webp.`);
    return 2;
  }
  const strength = values.strength === undefined ? undefined : Number(values.strength);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  let stylizer: ReturnType<typeof createStylizer>;
  try {
    stylizer = createStylizer({
      style: values.style === undefined ? undefined : styleId(values.style),
      strength,
      threads,
      modelDir: values["model-dir"],
      color: values.color as ColorMode | undefined,
      face: values.face as FaceMode | undefined,
      upscale: values.upscale || values.upscaler ? 2 : undefined,
      upscaler: values.upscaler,
    });
  } catch (error) {
    console.error(`anime2d: ${isAnime2dError(error) ? `${error.code}: ` : ""}${(error as Error).message}`);
    return 2;
  }
  try {
    await mkdir(values.out!, { recursive: true });
  } catch (error) {
    console.error(`anime2d: cannot use --out ${values.out} as the output folder: ${(error as Error).message}`);
    await stylizer.dispose();
    return 2;
  }

  let failed = 0;
  for (const [i, file] of positionals.entries()) {
    const tag = `[${i + 1}/${positionals.length}] ${file}`;
    const started = performance.now();
    const target = join(values.out!, `${basename(file, extname(file))}-${values.style}.${format === "jpeg" ? "jpg" : format}`);
    try {
      const out = await stylizer.stylize(file, { onProgress: (e) => showProgress(tag, e) });
      await out.toFile(target);
      clearLine();
      console.log(`${tag} → ${target} (${out.width}×${out.height}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      clearLine();
      const code = isAnime2dError(error) ? error.code : "ERROR";
      console.error(`${tag}: ${code}: ${(error as Error).message}`);
    }
  }
  await stylizer.dispose();
  return failed ? 1 : 0;
}

function print(text: string): number {
  console.log(text);
  return 0;
}

function stylesTable(): string {
  return listStyles()
    .map((s) => `${s.id.padEnd(20)} ${s.name.padEnd(24)} ${s.commercialUse ? "commercial ok " : "non-commercial"}  ${s.licence}`)
    .join("\n");
}

function showProgress(tag: string, event: ProgressEvent): void {
  if (!process.stderr.isTTY) return;
  const pct = event.progress !== undefined ? ` ${Math.round(event.progress * 100)}%` : "";
  const count = event.total && event.stage !== "download" ? ` ${event.done}/${event.total}` : "";
  process.stderr.write(`\r\x1b[2K${tag}: ${event.stage}${count}${pct}`);
}

function clearLine(): void {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
}
