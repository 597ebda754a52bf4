// Hostile and broken inputs, built from the shared photos the way an attacker would.
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { photo } from "../fixtures/paths.js";

/** A small JPEG whose frame header (SOF) is edited to declare `width × height`. */
export async function forgedJpeg(width = 10000, height = 9999): Promise<Uint8Array> {
  const jpeg = Buffer.from(await sharp(photo("china.jpg")).resize(64).jpeg().toBuffer());
  for (let at = 2; at + 9 < jpeg.length; at += 2 + jpeg.readUInt16BE(at + 2)) {
    const marker = jpeg[at + 1];
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
  }
  throw new Error("no SOF marker");
}

/** The first `fraction` of a file, optionally with the format's end marker appended (hides the cut from a naive check). */
export function cut(bytes: Uint8Array, fraction: number, trailer: number[] = []): Uint8Array {
  return Buffer.concat([bytes.subarray(0, Math.floor(bytes.length * fraction)), Buffer.from(trailer)]);
}

export const JPEG_EOI = [0xff, 0xd9];
export const GIF_TRAILER = [0x3b];

/** One photo in each accepted format (sizes kept small so the tests stay fast). */
export async function photoIn(format: "jpeg" | "png" | "webp" | "avif" | "tiff" | "gif", width = 320): Promise<Uint8Array> {
  const base = sharp(photo("china.jpg")).resize(width);
  const encoded =
    format === "jpeg" ? base.jpeg()
    : format === "png" ? base.png()
    : format === "webp" ? base.webp()
    : format === "avif" ? base.avif({ effort: 0 })
    : format === "tiff" ? base.tiff({ compression: "lzw" })
    : base.gif();
  return new Uint8Array(await encoded.toBuffer());
}

/**
 * A baseline little-endian TIFF declaring `width × height` 8-bit RGB, uncompressed, one strip,
 * with only `dataBytes` of pixel data present: the IFD comes first, so the header survives.
 */
export function truncatedTiff(width: number, height: number, dataBytes: number): Uint8Array {
  const entries: [number, number, number, number][] = [
    // tag, type (3 SHORT, 4 LONG), count, value
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, 0], // StripOffsets: patched below
    [277, 3, 1, 3],
    [278, 4, 1, height],
    [279, 4, 1, width * height * 3],
    [284, 3, 1, 1],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataStart = 8 + ifdSize;
  entries[5][3] = dataStart;
  const out = Buffer.alloc(dataStart + dataBytes);
  out.write("II", 0, "latin1");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  for (let i = dataStart; i < out.length; i++) out[i] = (i * 31) & 255;
  return out;
}

/** Formats that are not images anime2d reads, each small and each declaring a huge canvas where it can. */
export const NOT_ACCEPTED: Record<string, Uint8Array> = {
  svg: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="9999"><rect width="100%" height="100%" fill="red"/></svg>`),
  svgXml: Buffer.from(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="9999"/>`),
  pdf: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
  html: Buffer.from("<!DOCTYPE html><html><body><img src=x></body></html>"),
  bmp: (() => {
    const b = Buffer.alloc(54 + 4 * 4 * 3);
    b.write("BM", 0, "latin1");
    b.writeUInt32LE(b.length, 2);
    b.writeUInt32LE(54, 10);
    b.writeUInt32LE(40, 14);
    b.writeInt32LE(4, 18);
    b.writeInt32LE(4, 22);
    b.writeUInt16LE(1, 26);
    b.writeUInt16LE(24, 28);
    return b;
  })(),
  heicLike: Buffer.from([0, 0, 0, 24, ...Buffer.from("ftypheic"), 0, 0, 0, 0, ...Buffer.from("mif1heic")]),
  text: Buffer.from("hello, this is not an image"),
};

/** A shared photo's bytes. */
export const photoBytes = (name: string) => new Uint8Array(readFileSync(photo(name)));
