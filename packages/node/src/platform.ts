import { readFile, writeFile } from "node:fs/promises";
import { Anime2dError, type Platform } from "@anime2d/core";
import { sharpCodec } from "./codec.js";
import { nodeModelIO } from "./io.js";
import { lazyOrt } from "./runtime.js";

/** The Node platform: onnxruntime-node (CPU), sharp, the file system. */
export const nodePlatform: Platform = {
  name: "node",
  ort: lazyOrt,
  codec: sharpCodec,
  io: nodeModelIO,
  async loadInput(input) {
    if (typeof input !== "string") {
      // Node Buffers are Uint8Arrays and never reach here; anything else is not an image.
      return undefined;
    }
    if (input.length === 0) throw new Anime2dError("INVALID_INPUT", "The input path is empty.");
    try {
      const buffer = await readFile(input);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    } catch (error) {
      throw new Anime2dError("INVALID_INPUT", `Cannot read input file ${input}: ${(error as Error).message}`, { cause: error });
    }
  },
  async writeFile(path, bytes) {
    await writeFile(path, bytes);
  },
  sessionOptions({ threads }) {
    return {
      executionProviders: ["cpu"],
      ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    };
  },
};
