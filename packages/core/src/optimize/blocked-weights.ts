/**
 * Weights for ONNX Runtime's blocked (NCHWc) convs: its filter order and zero-padded channel
 * counts (blocked-layout.ts).
 */

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
