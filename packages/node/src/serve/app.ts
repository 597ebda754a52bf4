import type { FastifyInstance } from "fastify";
import { Anime2dError } from "../index.js";
import type { Backend } from "./backend.js";
import { toHttpError } from "./http-errors.js";
import { LocalBackend } from "./local-backend.js";
import { resolveServeOptions, type ServeConfig, type ServeOptions } from "./options.js";
import { registerRoutes } from "./routes.js";
import { registerStatic } from "./static.js";
import { loadFastify, loadMultipart } from "./peers.js";

/** A configured service, not yet listening (or listening after {@link Anime2dServer.listen}). */
export interface Anime2dServer {
  /**
   * The Fastify instance, to add routes or hooks, or to mount elsewhere. Typed as `unknown` so
   * that anime2d's types need no fastify installed: `server.app as FastifyInstance`.
   */
  app: unknown;
  /** Settings after defaults. */
  config: ServeConfig;
  /** Where the work runs: `"in-process"` or `"redis"`. */
  mode: Backend["mode"];
  /** Starts listening on `config.host`:`config.port`; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, cancels running work and frees the models and connections. */
  close(): Promise<void>;
}

/**
 * Builds the anime2d HTTP service: the API (`/v1/styles`, `/v1/stylize`, `/v1/jobs`…), health
 * checks and the web page, with the limits of {@link ServeOptions}. Fastify, its plugins and
 * BullMQ are loaded here, never by `import "anime2d"`.
 */
export async function createServer(options: ServeOptions = {}): Promise<Anime2dServer> {
  const config = resolveServeOptions(options);
  const Fastify = await loadFastify();
  const app = Fastify({ bodyLimit: config.maxBodyBytes, logger: config.logger, return503OnClosing: true, forceCloseConnections: true });
  await app.register(await loadMultipart());
  // Raw uploads: any image/* or octet-stream body is one image (its real type is sniffed later).
  app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, body.message);
    if (body.code === "QUEUE_FULL" || body.code === "TIMEOUT") reply.header("retry-after", "5");
    return reply.code(status).type("application/json").send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: "NOT_FOUND", message: `No route ${request.method} ${request.url.split("?")[0]}.` }));
  if (config.cors.length) enableCors(app, config.cors);

  const backend: Backend = config.redis ? await (await import("./redis-backend.js")).createRedisBackend(config) : new LocalBackend(config);
  registerRoutes(app, backend, config);
  if (config.ui) await registerStatic(app, config);
  app.addHook("onClose", () => backend.close());

  return {
    app,
    config,
    mode: backend.mode,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      if (!address || typeof address === "string") throw new Anime2dError("UNSUPPORTED", "The server is not listening on TCP.");
      return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    },
    close: () => app.close(),
  };
}

/** CORS for the configured origins only (`*` for any); without configuration no header is sent. */
function enableCors(app: FastifyInstance, origins: string[]): void {
  const any = origins.includes("*");
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !(any || origins.includes(origin))) return;
    reply.header("access-control-allow-origin", any ? "*" : origin).header("vary", "Origin");
    if (request.method === "OPTIONS") {
      reply.header("access-control-allow-methods", "GET, POST, DELETE").header("access-control-allow-headers", "content-type").header("access-control-max-age", "600");
      return reply.code(204).send();
    }
  });
  app.options("/*", (_request, reply) => reply.code(204).send());
}
