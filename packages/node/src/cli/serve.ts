import { parseArgs } from "node:util";
import { createServer, isAnime2dError } from "../index.js";
import { SETTINGS, parseSetting, serveOptionsFromEnv, type ServeOptions } from "../serve/options.js";

const HELP = `Usage: anime2d serve [options]

Runs the anime2d web service: the page at /, and the API (/v1/styles, /v1/stylize, /v1/jobs,
/healthz, /readyz). Every option can also be set by its ANIME2D_* variable.

Options:
${SETTINGS.filter((s) => s.key !== "ui").map((s) => `  --${`${s.flag}${s.kind === "bool" ? "" : " <v>"}`.padEnd(24)} ${s.help} [${s.env}]`).join("\n")}
  --no-ui                    API only, no web page [ANIME2D_UI=false]
  -h, --help                 show this help`;

/** `anime2d serve`: runs until SIGINT/SIGTERM; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  let options: ServeOptions;
  try {
    options = { ...serveOptionsFromEnv(), ...parseFlags(argv) };
  } catch (error) {
    console.error(`anime2d serve: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if ((options as { help?: boolean }).help) return console.log(HELP), 0;
  let server;
  try {
    server = await createServer(options);
  } catch (error) {
    console.error(`anime2d serve: ${isAnime2dError(error) ? `${error.code}: ` : ""}${(error as Error).message}`);
    return 1;
  }
  const url = await server.listen();
  console.log(`anime2d serve: listening on ${url} (${server.mode}${server.mode === "redis" ? `, queue "${server.config.queueName}"` : ""})`);
  await untilSignal();
  console.log("anime2d serve: shutting down");
  await server.close();
  return 0;
}

function parseFlags(argv: string[]): ServeOptions & { help?: boolean } {
  const flags = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: s.kind === "bool" ? ("boolean" as const) : ("string" as const) }]));
  const { values } = parseArgs({ args: argv, options: { ...flags, "no-ui": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  const options: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const value = (values as Record<string, string | boolean | undefined>)[s.flag];
    if (value !== undefined) options[s.key] = parseSetting(s.kind, value, `--${s.flag}`);
  }
  if (values["no-ui"]) options.ui = false;
  if (values.help) options.help = true;
  return options as ServeOptions & { help?: boolean };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
