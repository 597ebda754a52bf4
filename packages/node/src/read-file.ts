import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Why {@link readRegularFile} refused a path (the caller picks the error code). */
export class FileRefusal extends Error {
  constructor(
    readonly reason: "not-regular" | "too-large",
    message: string,
    readonly size?: number,
  ) {
    super(message);
  }
}

/**
 * Reads a whole regular file, at most `maxBytes` of it. FIFOs, sockets and devices
 * (`/dev/zero`, a link to one) are refused after `open()`: `O_NONBLOCK` keeps opening a FIFO
 * from blocking one of libuv's four pool threads forever, and `fstat` on the open descriptor
 * checks the very file that is read. The size is checked before any byte is read, and the
 * read never goes past it, so a file growing meanwhile cannot stretch the read.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileRefusal("not-regular", `${path} is not a regular file (${kindOf(stat)}).`);
    if (stat.size > maxBytes) throw new FileRefusal("too-large", `${path} is ${stat.size} bytes; the limit is ${maxBytes}.`, stat.size);
    const bytes = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function kindOf(stat: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a file";
}
