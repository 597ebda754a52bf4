import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { createServer, type Anime2dServer, type ServeOptions } from "@anime2d/node";
import { photo } from "../fixtures/paths.js";

/** A started service on 127.0.0.1 and its base URL. */
export interface Running {
  server: Anime2dServer;
  url: string;
}

/** Starts the service on a free loopback port. */
export async function start(options: ServeOptions = {}): Promise<Running> {
  const server = await createServer({ host: "127.0.0.1", port: 0, ...options });
  return { server, url: await server.listen() };
}

/** A real photo as encoded bytes, shrunk to `size` on its long side. */
export async function photoBytes(name: string, size: number, format: "png" | "jpeg" = "png"): Promise<Bytes> {
  return bytes(await sharp(photo(name)).resize(size, size, { fit: "inside" })[format]().toBuffer());
}

/** The same photo, cropped to a square of `side` (for fixed-size work). */
export async function squarePhoto(side: number): Promise<Bytes> {
  return bytes(await sharp(photo("laos.jpg")).resize(side, side, { fit: "cover" }).jpeg().toBuffer());
}

/** A tiny valid PNG whose header claims `width`×`height` (a decompression bomb's header). */
export async function bombPng(width: number, height: number): Promise<Bytes> {
  const png = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).png().toBuffer());
  // IHDR: length(4) "IHDR"(4) width(4) height(4) … CRC over type+data, at byte 8.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return bytes(png);
}

/** Sends one or more files (with fields) as multipart/form-data. */
export function form(files: { bytes: Bytes; name?: string; type?: string }[], fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  for (const [i, f] of files.entries()) body.append("image", new Blob([f.bytes], { type: f.type ?? "application/octet-stream" }), f.name ?? `photo-${i}.png`);
  return body;
}

/** Polls `GET /v1/jobs/:id` until `done(view)` holds or `ms` passes. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 120_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const json = async (response: Response) => ({ status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> });

export const SVG = bytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
export const HTML = bytes("<!doctype html><html><body><script>alert(1)</script></body></html>");
export const photoFile = (name: string) => bytes(readFileSync(photo(name)));

/** Bytes fetch() accepts as a body (a Buffer's type does not fit BodyInit). */
export type Bytes = Uint8Array<ArrayBuffer>;
export function bytes(data: Uint8Array | string): Bytes {
  return typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
}
