import type { Backend } from "./backend.js";
import type { ServeConfig } from "./options.js";
export async function createRedisBackend(_config: ServeConfig): Promise<Backend> {
  throw new Error("todo");
}
