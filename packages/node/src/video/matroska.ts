/**
 * A minimal Matroska writer for raw RGB frames with their own timestamps: the way frames
 * reach the encoding ffmpeg with variable frame rate intact (a raw pipe has only a constant
 * rate; Y4M has no timestamps). One cluster per frame; timestamps in microseconds.
 */

/** The header (EBML, segment of unknown size, info, one rawvideo track). */
export function matroskaHeader(width: number, height: number, frameDuration: number): Uint8Array {
  const ebml = element(0x1a45dfa3, [
    uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8),
    text(0x4282, "matroska"), uint(0x4287, 4), uint(0x4285, 2),
  ]);
  // TimestampScale 1000 ns: cluster timestamps count microseconds.
  const info = element(0x1549a966, [uint(0x2ad7b1, 1000), text(0x4d80, "anime2d"), text(0x5741, "anime2d")]);
  const video = element(0xe0, [uint(0xb0, width), uint(0xba, height), bytes(0x2eb524, new Uint8Array([0x52, 0x47, 0x42, 24]))]);
  const track = element(0xae, [
    uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), text(0x86, "V_UNCOMPRESSED"),
    ...(frameDuration > 0 ? [uint(0x23e383, Math.round(frameDuration * 1e9))] : []),
    video,
  ]);
  const segmentStart = concat([id(0x18538067), new Uint8Array([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
  return concat([ebml, segmentStart, info, element(0x1654ae6b, [track])]);
}

/** One frame as a cluster: its timestamp (seconds, ≥ 0) and a key-frame SimpleBlock. */
export function matroskaFrame(timestamp: number, pixels: Uint8Array): Uint8Array[] {
  const blockHead = new Uint8Array([0x81, 0, 0, 0x80]); // track 1, relative time 0, key frame
  const block = concat([id(0xa3), size(blockHead.length + pixels.length), blockHead]);
  const time = uint(0xe7, Math.max(0, Math.round(timestamp * 1e6)));
  return [id(0x1f43b675), size(time.length + block.length + pixels.length), time, block, pixels];
}

function element(elementId: number, children: Uint8Array[]): Uint8Array {
  const body = concat(children);
  return concat([id(elementId), size(body.length), body]);
}

function uint(elementId: number, value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    out.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return bytes(elementId, new Uint8Array(out));
}

function text(elementId: number, value: string): Uint8Array {
  return bytes(elementId, new TextEncoder().encode(value));
}

function bytes(elementId: number, value: Uint8Array): Uint8Array {
  return concat([id(elementId), size(value.length), value]);
}

function id(value: number): Uint8Array {
  const out: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return new Uint8Array(out);
}

/** An 8-byte EBML size (0x01 marker + 7 bytes): enough for any frame. */
function size(value: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x01;
  let v = value;
  for (let i = 7; i >= 1; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
