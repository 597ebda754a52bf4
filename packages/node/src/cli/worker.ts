import { parseArgs } from "node:util";
import { startRedisWorker } from "../serve/redis-worker.js";
import { untilSignal } from "./serve.js";

const HELP = `Usage: anime2d worker --redis <url> [options]

Takes images from the queue of an \`anime2d serve --redis <url>\` and stylizes them here. Run as
many as you like, on any machines that reach Redis and have the models. Prints one line per job.

Options:
  --redis <url>              Redis URL [ANIME2D_REDIS_URL]
  --queue-name <name>        BullMQ queue name (default anime2d) [ANIME2D_QUEUE_NAME]
  --model-dir <dir>          folder with the model files [ANIME2D_MODEL_DIR]
  --workers <n>              worker threads, one image each at a time [ANIME2D_WORKERS]
  --threads <n>              ONNX Runtime threads per worker thread [ANIME2D_THREADS]
  --lock-duration <ms>       a dead worker's job is retried after about this (default 30000)
  --stalled-interval <ms>    how often to look for dead workers' jobs (default 30000)
  -h, --help                 show this help`;

/** `anime2d worker`: runs until SIGINT/SIGTERM; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        redis: { type: "string" },
        "queue-name": { type: "string" },
        "model-dir": { type: "string" },
        workers: { type: "string" },
        threads: { type: "string" },
        "lock-duration": { type: "string" },
        "stalled-interval": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`anime2d worker: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) return console.log(HELP), 0;
  const env = process.env;
  const redis = values.redis ?? env.ANIME2D_REDIS_URL;
  if (!redis) {
    console.error(`anime2d worker: --redis <url> (or ANIME2D_REDIS_URL) is required.\n\n${HELP}`);
    return 2;
  }
  const number = (text: string | undefined) => (text === undefined || text === "" ? undefined : Number(text));
  const worker = await startRedisWorker({
    redis,
    queueName: values["queue-name"] ?? env.ANIME2D_QUEUE_NAME,
    modelDir: values["model-dir"],
    workers: number(values.workers ?? env.ANIME2D_WORKERS),
    threads: number(values.threads ?? env.ANIME2D_THREADS),
    lockDuration: number(values["lock-duration"]),
    stalledInterval: number(values["stalled-interval"]),
    onEvent: (e) => console.log(`${e.type} ${e.job}${e.code ? ` ${e.code}` : ""}${e.ms !== undefined ? ` ${e.ms} ms` : ""}`),
  });
  console.log(`anime2d worker: ready (pid ${process.pid})`);
  await untilSignal();
  await worker.close();
  return 0;
}
