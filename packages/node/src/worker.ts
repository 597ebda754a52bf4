/**
 * The worker_threads entry of the Node pool: the core's protocol host on Node's platform.
 * One job at a time; sessions stay open between jobs until `dispose`.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { ModelPool, serveWorker, type HostPort, type ToWorker } from "@anime2d/core";
import { nodePlatform } from "./platform.js";

const port = parentPort!;
// Test hook: a worker that dies for real mid-job (after reporting this stage), at a moment
// when no ONNX Runtime run is in progress in it.
const exitAt = process.env.ANIME2D_TEST_WORKER_EXIT_AT;
const host: HostPort = {
  postMessage(message, transfer) {
    if (exitAt && message.type === "progress" && message.event.stage === exitAt) process.exit(70);
    port.postMessage(message, transfer as never);
  },
};
const handle = serveWorker(host, (options) => ({ platform: nodePlatform, pool: new ModelPool(nodePlatform, options) }));
port.on("message", (message: ToWorker) => void handle(message));
