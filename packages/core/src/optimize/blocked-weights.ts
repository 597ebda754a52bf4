/**
 * Weights for ONNX Runtime's blocked (NCHWc) convs: its filter order, zero-padded channel
 * counts, and the parity-major channel order of a blocked sub-pixel conv (blocked-layout.ts).
 */

/** For each new channel (block, parity, lane), the sub-pixel conv's channel 4·(block·b + lane) + parity. */
export function parityMajorOrder(channels: number, block: number): number[] {
  const order: number[] = [];
  for (let cb = 0; cb < channels / block; cb++) for (let parity = 0; parity < 4; parity++) for (let lane = 0; lane < block; lane++) order.push(4 * (cb * block + lane) + parity);
  return order;
}

/** Rows (first-axis slices) of `data` in the given order. */
export function permuteRows(data: Float32Array, order: number[] | undefined): Float32Array {
  if (!order) return data;
  const row = data.length / order.length;
  const out = new Float32Array(data.length);
  order.forEach((from, to) => out.set(data.subarray(from * row, (from + 1) * row), to * row));
  return out;
}

/** `data` followed by zeros up to `length` (channels padded to whole blocks). */
export function padTo(data: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(data);
  return out;
}

/**
 * A Conv's weights [O, I, kh, kw] in ONNX Runtime's NCHWc filter order: output channels in
 * blocks of `block` (zero-padded), innermost; with `direct` (input read as NCHW) `[O/b, I, kh,
 * kw, b]`, else input channels blocked too, `[O/b, I/b, kh, kw, b_in, b_out]`.
 */
export function reorderFilter(w: Float32Array, dims: readonly number[], block: number, direct: boolean): Float32Array {
  const [o, i, kh, kw] = dims;
  const op = Math.ceil(o / block) * block;
  const out = new Float32Array(op * i * kh * kw);
  const at = (oc: number, ic: number, y: number, x: number) => (oc < o ? w[((oc * i + ic) * kh + y) * kw + x] : 0);
  let k = 0;
  if (direct) {
    for (let ob = 0; ob < op; ob += block) for (let ic = 0; ic < i; ic++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let oo = 0; oo < block; oo++) out[k++] = at(ob + oo, ic, y, x);
    return out;
  }
  for (let ob = 0; ob < op; ob += block)
    for (let ib = 0; ib < i; ib += block)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let ii = 0; ii < block; ii++) for (let oo = 0; oo < block; oo++) out[k++] = at(ob + oo, ib + ii, y, x);
  return out;
}
