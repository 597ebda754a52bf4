import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Anime2dError, listStyles } from "../index.js";
import { notFound, type Backend } from "./backend.js";
import type { ServeConfig } from "./options.js";
import { parseParams } from "./params.js";
import type { ImageResult } from "./process-image.js";
import { readUpload } from "./upload.js";

type IdParams = { Params: { id: string } };
type ItemParams = { Params: { id: string; n: string } };

/** The HTTP API, on whichever backend runs the work. */
export function registerRoutes(app: FastifyInstance, backend: Backend, config: ServeConfig): void {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  app.addHook("onClose", async () => loop.disable());
  app.get("/healthz", async () => ({ status: "ok", uptime: Math.round(process.uptime()), eventLoopDelayMs: delays(loop), ...(await backend.stats()) }));

  app.get("/readyz", async (_request, reply) => {
    const readiness = await backend.readiness();
    if (!readiness.ready) reply.code(503).header("retry-after", "5");
    return readiness;
  });

  app.get("/v1/styles", async () => ({
    default: config.style,
    styles: listStyles().map(({ id, name, family, description, licence, commercialUse, portrait, home }) => ({ id, name, family, description, licence, commercialUse, portrait: portrait ?? false, home })),
  }));

  // Overload is refused before the upload is read: shedding load costs the server almost nothing.
  const admitOne = { onRequest: async () => backend.admit(1) };

  app.post("/v1/stylize", admitOne, async (request, reply) => {
    const { images, fields } = await readUpload(request, config, 1);
    const params = parseParams(fields, config.style);
    const result = await backend.stylize(images[0]!, params, whileConnected(request, reply));
    return sendImage(reply, result);
  });

  app.post("/v1/jobs", admitOne, async (request, reply) => {
    const { images, fields } = await readUpload(request, config, config.maxBatch);
    const id = await backend.createJob(images, parseParams(fields, config.style));
    reply.code(202).header("location", `/v1/jobs/${id}`);
    return { id, total: images.length, status: `/v1/jobs/${id}` };
  });

  app.get<IdParams>("/v1/jobs/:id", async (request) => {
    const job = await backend.getJob(request.params.id);
    if (!job) throw notFound(`Job ${request.params.id}`);
    return { ...job, items: job.items.map((item) => ({ ...item, url: item.status === "done" ? `/v1/jobs/${job.id}/items/${item.index}` : undefined })) };
  });

  app.get<ItemParams>("/v1/jobs/:id/items/:n", async (request, reply) => {
    const index = Number(request.params.n);
    if (!Number.isInteger(index) || index < 0) throw notFound(`Item ${request.params.n} of job ${request.params.id}`);
    return sendImage(reply, await backend.getResult(request.params.id, index));
  });

  app.delete<IdParams>("/v1/jobs/:id", async (request) => {
    if (!(await backend.cancelJob(request.params.id))) throw notFound(`Job ${request.params.id}`);
    return { id: request.params.id, cancelled: true };
  });
}

function sendImage(reply: FastifyReply, result: ImageResult): FastifyReply {
  return reply
    .header("content-type", result.contentType)
    .header("x-image-width", String(result.width))
    .header("x-image-height", String(result.height))
    .header("cache-control", "no-store")
    .send(Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.length));
}

/** A signal that fires when the client goes away before its answer was sent, cancelling its work. */
function whileConnected(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const gone = () => controller.abort(new Anime2dError("ABORTED", `The client of ${request.id} disconnected.`));
  // The client may have left while its body was being read, before this listener existed.
  if (request.raw.socket.destroyed) gone();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) gone();
  });
  return controller.signal;
}

const LOOP_RESOLUTION_MS = 10;

/**
 * The event loop's delay since start (ms): how late a timer fired, i.e. how long a ready
 * request could have waited; stays small while the models run in worker threads.
 */
function delays(loop: IntervalHistogram): { p50: number; p99: number; max: number } {
  // The histogram holds each sampling interval (resolution included): keep only the lateness.
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - LOOP_RESOLUTION_MS);
  return { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
}
