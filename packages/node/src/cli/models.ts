/**
 * `anime2d models list | fetch [ids…] | import DIR | path`: the model cache for package users.
 * The work is the public API's (modelStatus, fetchModels, importModels, modelCacheDir); this
 * file only parses and prints.
 */
import { SingleBar } from "cli-progress";
import { env, fetchModels, importModels, isAnime2dError, modelCacheDir, modelStatus, type ModelStatus, type ProgressEvent } from "../index.js";

const HELP = `Usage: anime2d models <command>

  list               every model: installed/missing in the cache, size, licence, download source
  fetch [ids...]     download models (default: all) into the cache, verified by SHA-256
  import DIR         verify the model files in DIR and copy them into the cache
  path               print the cache folder

The cache is ANIME2D_CACHE_DIR (default ~/.cache/anime2d). Downloads come from
ANIME2D_MODEL_HOST (base URL + file name) first, then the registry's verified upstream sources.`;

/** Runs `anime2d models …`; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "list":
      return list(rest);
    case "fetch":
      return fetch(rest);
    case "import":
      return importDir(rest);
    case "path":
      console.log(modelCacheDir());
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return command === undefined ? 2 : 0;
    default:
      console.error(`anime2d models: unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

async function list(ids: string[]): Promise<number> {
  const rows = await modelStatus(ids);
  console.log(`Cache: ${modelCacheDir()}${env.modelHost ? `   Host: ${env.modelHost}` : ""}`);
  console.log(table([["id", "kind", "state", "size", "licence", "source"], ...rows.map(row)]));
  const missing = rows.filter((r) => r.state !== "installed" && r.sources.length === 0).length;
  if (missing) console.log(`\n${missing} missing file(s) have no download source: set ANIME2D_MODEL_HOST or run \`anime2d models import DIR\` (see README, "Getting the models").`);
  return 0;
}

function row(s: ModelStatus): string[] {
  const source = s.sources[0] ? new URL(s.sources[0]).host : "none";
  return [s.model.id, s.model.kind, s.state, `${((s.model.bytes ?? 0) / 1e6).toFixed(1)} MB`, s.model.licence, source];
}

async function fetch(ids: string[]): Promise<number> {
  let failed = 0;
  const targets = ids.length ? ids : (await modelStatus()).map((s) => s.model.id);
  for (const id of targets) {
    const bar = process.stderr.isTTY ? new SingleBar({ format: `${id.padEnd(20)} {bar} {percentage}% {value}/{total} bytes`, stream: process.stderr, hideCursor: true }) : undefined;
    let started = false;
    const onProgress = (event: ProgressEvent) => {
      if (event.stage !== "download" || event.loaded === undefined) return;
      if (!started) bar?.start(event.total ?? 0, 0), (started = true);
      bar?.update(event.loaded);
    };
    try {
      const [result] = await fetchModels([id], { onProgress });
      bar?.stop();
      console.log(`${id}: ${result!.outcome === "cached" ? "already in the cache (verified)" : "downloaded and verified"}`);
    } catch (error) {
      bar?.stop();
      failed++;
      console.error(`${id}: ${isAnime2dError(error) ? error.code : "ERROR"}: ${(error as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

async function importDir([dir]: string[]): Promise<number> {
  if (!dir) {
    console.error(`anime2d models import: name the folder holding the model files.\n\n${HELP}`);
    return 2;
  }
  const results = await importModels(dir);
  for (const r of results) {
    if (r.outcome === "imported") console.log(`${r.file}: imported (${r.id}, verified)`);
    else if (r.outcome === "unknown") console.log(`${r.file}: skipped, not a registry file name`);
    else console.error(`${r.file}: MODEL_INTEGRITY: ${r.reason}`);
  }
  const imported = results.filter((r) => r.outcome === "imported").length;
  console.log(`${imported} file(s) imported into ${modelCacheDir()}`);
  return results.some((r) => r.outcome === "failed") || imported === 0 ? 1 : 0;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}
