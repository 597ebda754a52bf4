import { Anime2dError } from "../errors.js";

/** A point `[x, y]` in continuous pixel coordinates (pixel `i` covers `[i, i + 1)`). */
export type Point = [number, number];

/**
 * A similarity transform (rotation, uniform scale, translation):
 * `x' = a·x − b·y + tx`, `y' = b·x + a·y + ty`. The scale is `hypot(a, b)`, the angle `atan2(b, a)`.
 */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Applies a similarity to one point. */
export function applySimilarity(t: Similarity, [x, y]: Point): Point {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

/** The inverse transform (exists whenever the scale is not 0). */
export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (!(d > 0)) throw new Anime2dError("INVALID_INPUT", "A similarity transform with zero scale cannot be inverted.");
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Uniform scale factor of a similarity. */
export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

/**
 * Least-squares similarity taking `from[i]` to `to[i]` (closed form: centre both point sets,
 * then the best rotation-and-scale is a ratio of sums). Needs at least two distinct points.
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Anime2dError("INVALID_INPUT", `A similarity needs ≥ 2 point pairs, got ${n} and ${to.length}.`);
  let fx = 0, fy = 0, gx = 0, gy = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0]; fy += from[i][1];
    gx += to[i][0]; gy += to[i][1];
  }
  fx /= n; fy /= n; gx /= n; gy /= n;
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const x = from[i][0] - fx, y = from[i][1] - fy;
    const u = to[i][0] - gx, v = to[i][1] - gy;
    dot += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  if (!(norm > 1e-9) || !Number.isFinite(dot + cross)) {
    throw new Anime2dError("INVALID_INPUT", "Cannot fit a similarity: the source points coincide or are not finite.");
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}
