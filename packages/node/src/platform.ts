import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Anime2dError, env, type Platform } from "@anime2d/core";
import { sharpCodec } from "./codec.js";
import { nodeModelIO } from "./io.js";
import { FileRefusal, readRegularFile } from "./read-file.js";
import { lazyOrt } from "./runtime.js";

/** The Node platform: onnxruntime-node (CPU), sharp, the file system. */
export const nodePlatform: Platform = {
  name: "node",
  ort: lazyOrt,
  codec: sharpCodec,
  io: nodeModelIO,
  cores: availableParallelism(),
  async loadInput(input, _signal, limits) {
    if (typeof input !== "string") {
      // Node Buffers are Uint8Arrays and never reach here; anything else is not an image.
      return undefined;
    }
    if (input.length === 0) throw new Anime2dError("INVALID_INPUT", "The input path is empty.");
    try {
      return await readRegularFile(input, limits?.maxBytes ?? env.maxInputBytes);
    } catch (error) {
      if (error instanceof FileRefusal && error.reason === "too-large") {
        throw new Anime2dError("INPUT_TOO_LARGE", `Input file ${error.message} (option maxInputBytes)`, { cause: error });
      }
      throw new Anime2dError("INVALID_INPUT", `Cannot read input file ${input}: ${(error as Error).message}`, { cause: error });
    }
  },
  async writeFile(path, bytes) {
    await writeFile(path, bytes);
  },
  sessionOptions({ threads }) {
    return {
      executionProviders: ["cpu"],
      // Failures reach the caller as typed errors; ORT's own log lines would only add noise on stderr.
      logSeverityLevel: 4,
      ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    };
  },
};
