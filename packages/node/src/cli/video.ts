import { mkdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { createStylizer, isAnime2dError, styleId, stylizeVideo, DEFAULT_STYLE, type ColorMode, type FaceMode, type TemporalMode } from "../index.js";

const HELP = `Usage: anime2d video <files...> [options]

Turns videos into anime-style videos with their sound (needs ffmpeg: $ANIME2D_FFMPEG or PATH).

Options:
  -s, --style <id>       style (default ${DEFAULT_STYLE}); see anime2d --list-styles
  -o, --out <dir>        output folder (default: anime2d-out)
      --format <fmt>     mp4 (H.264) | webm (VP9 + Opus) (default mp4)
      --crf <n>          quality: lower is better and bigger (default 20 for mp4, 32 for webm)
      --preset <name>    x264 preset (default veryfast)
      --temporal <mode>  frozen (steady, default) | per-frame (every frame alone)
      --steady <0..0.95> blend still regions with the previous frame (default 0.7; 0 = off)
      --cut <0..1>       shot-cut threshold (default 0.3)
      --strength <0..1>  mix with the original (default 1)
      --face <mode>      off | auto (default: auto for portrait styles, else off)
      --color <mode>     model | match | preserve (default: per style)
      --workers <n>      worker threads (default 1)
      --threads <n>      ONNX Runtime threads per worker
      --model-dir <dir>  folder with model files (default: $ANIME2D_MODEL_DIR)
      --ffmpeg <path>    ffmpeg executable (default: $ANIME2D_FFMPEG, then PATH)
  -h, --help             show this help`;

/** `anime2d video <files...>`: resolves to the process exit code. */
export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        style: { type: "string", short: "s", default: DEFAULT_STYLE },
        out: { type: "string", short: "o", default: "anime2d-out" },
        format: { type: "string", default: "mp4" },
        crf: { type: "string" },
        preset: { type: "string" },
        temporal: { type: "string" },
        steady: { type: "string" },
        cut: { type: "string" },
        strength: { type: "string" },
        face: { type: "string" },
        color: { type: "string" },
        workers: { type: "string" },
        threads: { type: "string" },
        "model-dir": { type: "string" },
        ffmpeg: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`anime2d video: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`anime2d video: no input files.\n\n${HELP}`);
    return 2;
  }
  const format = values.format as "mp4" | "webm";
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  let stylizer: ReturnType<typeof createStylizer>;
  let style: ReturnType<typeof styleId>;
  try {
    // Bad options are reported once, before any work: one line, exit 2.
    style = styleId(values.style!);
    stylizer = createStylizer({ modelDir: values["model-dir"], workers: num(values.workers), threads: num(values.threads) });
    await mkdir(values.out!, { recursive: true });
  } catch (error) {
    console.error(`anime2d video: ${isAnime2dError(error) ? `${error.code}: ` : ""}${(error as Error).message}`);
    return 2;
  }
  let failed = 0;
  try {
    for (const [i, file] of positionals.entries()) {
      const tag = `[${i + 1}/${positionals.length}] ${basename(file)}`;
      const output = join(values.out!, `${basename(file, extname(file))}-${values.style}.${format}`);
      const bar = progressBar(tag);
      try {
        const result = await stylizeVideo(file, {
          output, format, stylizer,
          style,
          crf: num(values.crf),
          preset: values.preset,
          temporal: values.temporal as TemporalMode | undefined,
          steady: num(values.steady),
          cutThreshold: num(values.cut),
          strength: num(values.strength),
          face: values.face as FaceMode | undefined,
          color: values.color as ColorMode | undefined,
          ffmpeg: values.ffmpeg,
          onProgress: (p) => bar.update(p.done, p.total),
        });
        bar.stop();
        console.log(`${tag} → ${result.output} (${result.frames} frames, ${result.shots} shot${result.shots === 1 ? "" : "s"}, ${result.seconds.toFixed(1)} s, ${(result.frames / result.seconds).toFixed(2)} fps)`);
      } catch (error) {
        bar.stop();
        failed++;
        const code = isAnime2dError(error) ? error.code : "ERROR";
        console.error(`${tag}: ${code}: ${(error as Error).message}`);
      }
    }
  } finally {
    await stylizer.dispose();
  }
  return failed ? 1 : 0;
}

/** A frames bar with fps and ETA on a terminal; silent when stderr is not one (logs, pipes). */
function progressBar(tag: string): { update(done: number, total: number | undefined): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${tag} [{bar}] {value}/{total} frames | {fps} fps | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(done, total) {
      if (!running) {
        bar.start(total ?? 0, 0, { fps: "0.0" });
        running = true;
      }
      if (total && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done, { fps: (done / ((performance.now() - started) / 1000)).toFixed(1) });
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
