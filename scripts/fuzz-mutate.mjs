// Seeded mutations of encoded images for the hardening fuzzer (scripts/fuzz.mjs and
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
};

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
