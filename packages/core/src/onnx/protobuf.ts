import { Anime2dError } from "../errors.js";

/**
 * The protobuf wire format, as far as ONNX files need it: walking fields, reading varints
 * (int64 attributes and dims can be negative, so those go through BigInt) and writing fields.
 */

export interface Field {
  field: number;
  wire: number;
  /** Byte range of the whole field (tag included). */
  start: number;
  end: number;
  /** Byte range of a length-delimited field's payload, or of a fixed-size value. */
  bodyStart: number;
  /** A varint field's value (plain number: exact below 2^53). */
  value: number;
}

export function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let p = start;
  while (p < end) {
    const fieldStart = p;
    const [key, afterKey] = readVarint(bytes, p);
    p = afterKey;
    const wire = key % 8;
    const field = Math.floor(key / 8);
    let value = 0;
    let bodyStart = p;
    if (wire === 0) [value, p] = readVarint(bytes, p);
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(bytes, p);
      bodyStart = afterLength;
      p = afterLength + length;
    } else throw new Anime2dError("MODEL_MISMATCH", `Unsupported protobuf wire type ${wire} in the ONNX file.`);
    if (p > end) throw new Anime2dError("MODEL_MISMATCH", "The ONNX file is truncated.");
    yield { field, wire, start: fieldStart, end: p, bodyStart, value };
  }
}

export function readVarint(bytes: Uint8Array, p: number): [number, number] {
  // Plain numbers: lengths and tags stay far below 2^53.
  let result = 0;
  let scale = 1;
  for (;;) {
    if (p >= bytes.length) throw new Anime2dError("MODEL_MISMATCH", "The ONNX file is truncated.");
    const byte = bytes[p++];
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return [result, p];
    scale *= 128;
  }
}

/** A signed int64 varint (two's complement over ten bytes when negative). */
export function readInt64(bytes: Uint8Array, p: number): [number, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (p >= bytes.length) throw new Anime2dError("MODEL_MISMATCH", "The ONNX file is truncated.");
    const byte = bytes[p++];
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [Number(BigInt.asIntN(64, result)), p];
    shift += 7n;
  }
}

/** Reads a repeated int64 field's values, packed or not. */
export function readInt64s(bytes: Uint8Array, f: Field): number[] {
  if (f.wire === 0) return [readInt64(bytes, f.bodyStart)[0]];
  const out: number[] = [];
  for (let p = f.bodyStart; p < f.end; ) {
    const [v, next] = readInt64(bytes, p);
    out.push(v);
    p = next;
  }
  return out;
}

/** Reads a repeated float field's values, packed or not. */
export function readFloats(bytes: Uint8Array, f: Field): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (f.wire === 5) return [view.getFloat32(f.bodyStart, true)];
  const out: number[] = [];
  for (let p = f.bodyStart; p + 4 <= f.end; p += 4) out.push(view.getFloat32(p, true));
  return out;
}

export function text(bytes: Uint8Array, f: Field): string {
  return new TextDecoder().decode(bytes.subarray(f.bodyStart, f.end));
}

export function varint(value: number): number[] {
  const out: number[] = [];
  if (value < 0) {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return out;
  }
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

export function lengthDelimited(field: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varint(field * 8 + 2), ...varint(body.length)]), body]);
}

export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}

export function stringField(field: number, value: string): Uint8Array {
  return lengthDelimited(field, new TextEncoder().encode(value));
}

export function floatField(field: number, value: number): Uint8Array {
  const out = new Uint8Array([...varint(field * 8 + 5), 0, 0, 0, 0]);
  new DataView(out.buffer).setFloat32(out.length - 4, value, true);
  return out;
}

export function packedInt64s(field: number, values: readonly number[]): Uint8Array {
  return lengthDelimited(field, Uint8Array.from(values.flatMap((v) => varint(v))));
}

export function packedFloats(field: number, values: readonly number[]): Uint8Array {
  return lengthDelimited(field, new Uint8Array(Float32Array.from(values).buffer));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
