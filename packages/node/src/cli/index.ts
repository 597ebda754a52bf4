/**
 * The `anime2d` command: dispatches to one file per subcommand. Subcommands are loaded on
 * demand so that `anime2d photo.jpg` never loads the server or video code.
 */
import { isAnime2dError } from "../index.js";
import { allocatorEnv, followParent, restartForAllocator } from "./allocator.js";

type Subcommand = (argv: string[]) => Promise<number>;

/** Subcommand name → its module. `stylize` is also what runs when no subcommand is named. */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  stylize: async () => (await import("./stylize.js")).run,
  models: async () => (await import("./models.js")).run,
  video: async () => (await import("./video.js")).run,
  serve: async () => (await import("./serve.js")).run,
  worker: async () => (await import("./worker.js")).run,
};

/** Commands that run until stopped, where glibc's allocator would ratchet memory up (see allocator.ts). */
const LONG_RUNNING = new Set(["serve", "worker"]);

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  followParent();
  const restartEnv = first !== undefined && LONG_RUNNING.has(first) ? allocatorEnv() : undefined;
  if (restartEnv) return restartForAllocator(restartEnv);
  const load = first !== undefined ? SUBCOMMANDS[first] : undefined;
  if (load) return (await load())(rest);
  return (await SUBCOMMANDS.stylize!())(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Anything that reaches here is a bug of ours: one line, no stack, unless asked for.
    const code = isAnime2dError(error) ? error.code : "INTERNAL";
    console.error(`anime2d: ${code}: ${(error as Error).message ?? error}`);
    if (process.env.ANIME2D_DEBUG) console.error((error as Error).stack);
    process.exitCode = 1;
  },
);
