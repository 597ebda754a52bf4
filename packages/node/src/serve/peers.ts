import { optionalPeer } from "../optional.js";

// The service's packages are optional peers: a missing one fails `createServer()` or
// `anime2d worker` with RUNTIME_MISSING naming the install line, never a bare module error.
const PURPOSE = "to run the HTTP service (anime2d serve)";
const QUEUE = "for the Redis queue (anime2d serve --redis, anime2d worker)";

export const loadFastify = optionalPeer("fastify", PURPOSE, async () => (await import("fastify")).default);
export const loadMultipart = optionalPeer("@fastify/multipart", PURPOSE, async () => (await import("@fastify/multipart")).default);
export const loadStatic = optionalPeer("@fastify/static", PURPOSE, async () => (await import("@fastify/static")).default);
export const loadBullmq: () => Promise<typeof import("bullmq")> = optionalPeer("bullmq", QUEUE, () => import("bullmq"));
export const loadIoredis: () => Promise<typeof import("ioredis")> = optionalPeer("ioredis", QUEUE, () => import("ioredis"));
