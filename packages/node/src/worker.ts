/**
 * The worker_threads entry of the Node pool: the core's protocol host on Node's platform.
 * One job at a time; sessions stay open between jobs until `dispose`.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { ModelPool, serveWorker, type HostPort, type ToWorker } from "@anime2d/core";
import { nodePlatform } from "./platform.js";

const port = parentPort!;
const handle = serveWorker(port as unknown as HostPort, (options) => ({ platform: nodePlatform, pool: new ModelPool(nodePlatform, options) }));
port.on("message", (message: ToWorker) => void handle(message));
