// Seeded mutations of encoded images (bit flips, chunk duplication and deletion, truncation,
// header byte edits, declared-size edits) for the hardening fuzzer (scripts/fuzz.mjs and
// test/hardening/fuzz.test.ts). Plain JS so both the script and the tests import it.

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of case `index` under `seed`: any case can be replayed alone. */
export function caseRandom(seed, index) {
  return prng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

const int = (rand, n) => Math.floor(rand() * n);

/** Values that break parsers: zero, one, sign bits, all ones. */
const EXTREMES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/** The mutation operators, each `(bytes, rand) => bytes`, named for the report. */
export const MUTATIONS = {
  bitFlips(bytes, rand) {
    const out = bytes.slice();
    for (let n = 1 + int(rand, 16); n > 0; n--) out[int(rand, out.length)] ^= 1 << int(rand, 8);
    return out;
  },
  duplicateChunk(bytes, rand) {
    const start = int(rand, bytes.length), length = 1 + int(rand, Math.min(4096, bytes.length - start));
    const at = int(rand, bytes.length);
    return concat(bytes.subarray(0, at), bytes.subarray(start, start + length), bytes.subarray(at));
  },
  deleteChunk(bytes, rand) {
    const start = int(rand, bytes.length), length = 1 + int(rand, Math.min(4096, bytes.length - start));
    return concat(bytes.subarray(0, start), bytes.subarray(start + length));
  },
  truncate(bytes, rand) {
    return bytes.slice(0, int(rand, bytes.length));
  },
  /** Edits in the first 64 bytes, where every format keeps its size and type fields. */
  headerEdit(bytes, rand) {
    const out = bytes.slice();
    for (let n = 1 + int(rand, 4); n > 0; n--) {
      const at = int(rand, Math.min(64, out.length));
      out[at] = rand() < 0.5 ? EXTREMES[int(rand, EXTREMES.length)] : int(rand, 256);
    }
    return out;
  },
  /**
   * Rewrites the declared image size where the format keeps it (JPEG SOF, PNG IHDR, GIF screen,
   * WebP VP8/VP8L/VP8X) to up to 16383 per side, leaving the data as it is: the "small file,
   * huge header" attack, which must be refused by what the data can hold.
   */
  sizeEdit(bytes, rand) {
    const out = bytes.slice();
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const side = () => 1 + int(rand, rand() < 0.5 ? 16383 : 256);
    const at = sizeFieldOf(out);
    if (at?.kind === "jpeg") { view.setUint16(at.offset, side()); view.setUint16(at.offset + 2, side()); }
    else if (at?.kind === "png") { view.setUint32(16, side()); view.setUint32(20, side()); }
    else if (at?.kind === "gif") { view.setUint16(6, side(), true); view.setUint16(8, side(), true); }
    else if (at?.kind === "vp8x") { const w = side() - 1, h = side() - 1; out.set([w & 255, (w >> 8) & 255, w >> 16, h & 255, (h >> 8) & 255, h >> 16], 24); }
    else if (at?.kind === "vp8") { view.setUint16(26, side() & 0x3fff, true); view.setUint16(28, side() & 0x3fff, true); }
    else return MUTATIONS.headerEdit(bytes, rand);
    return out;
  },
};

/** Where a file declares its size (for {@link MUTATIONS.sizeEdit}). */
function sizeFieldOf(bytes) {
  const ascii = (at, n) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length; at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3])) {
      const marker = bytes[at + 1];
      if (bytes[at] !== 0xff) return undefined;
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { kind: "jpeg", offset: at + 5 };
    }
    return undefined;
  }
  if (bytes.length >= 24 && ascii(12, 4) === "IHDR") return { kind: "png" };
  if (ascii(0, 3) === "GIF") return { kind: "gif" };
  if (ascii(0, 4) === "RIFF" && ascii(12, 4) === "VP8X") return { kind: "vp8x" };
  if (ascii(0, 4) === "RIFF" && ascii(12, 4) === "VP8 " && bytes.length >= 30) return { kind: "vp8" };
  return undefined;
}

const NAMES = Object.keys(MUTATIONS);

/** Applies 1–3 random mutations; returns the bytes and the names of what was done. */
export function mutate(bytes, rand) {
  let out = bytes;
  const applied = [];
  for (let n = 1 + int(rand, 3); n > 0 && out.length > 0; n--) {
    const name = NAMES[int(rand, NAMES.length)];
    out = MUTATIONS[name](out, rand);
    applied.push(name);
  }
  return { bytes: out, applied };
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
