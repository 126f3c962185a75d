/**
 * Vectors as signed bytes, for a first pass that reads a quarter of the memory of float32 rows:
 * an exact scan of many rows is bound by memory bandwidth, not arithmetic. Each code is
 * round(value × scale) clamped to ±127; the error each vector carries is measured, so a search
 * can prove when the coarse pass cannot have missed an exact hit (see `coarseMissesNothing`).
 * Pure: no I/O.
 */

export const codeLimit = 127;

/** The largest absolute value of a vector's components. */
export function peakOf(vector: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < vector.length; i++) peak = Math.max(peak, Math.abs(vector[i] as number));
  return peak;
}

export interface Quantized {
  /** L2 distance between the vector and its codes divided by the scale (clamping included). */
  readonly error: number;
  /** L2 norm of the vector. */
  readonly norm: number;
}

/** Writes the codes of `vector` into `codes` from `offset`; measures what they lose. */
export function quantizeInto(
  vector: Float32Array,
  scale: number,
  codes: Int8Array,
  offset: number,
): Quantized {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number;
    const code = Math.max(-codeLimit, Math.min(codeLimit, Math.round(value * scale)));
    codes[offset + i] = code;
    const lost = value - code / scale;
    error += lost * lost;
    norm += value * value;
  }
  return { error: Math.sqrt(error), norm: Math.sqrt(norm) };
}

/** The codes of a query on a scale of its own (it only multiplies every coarse score). */
export function quantizeQuery(query: Float32Array): Quantized & {
  readonly codes: Int8Array;
  readonly scale: number;
} {
  const peak = peakOf(query);
  const scale = peak === 0 ? 1 : codeLimit / peak;
  const codes = new Int8Array(query.length);
  return { codes, scale, ...quantizeInto(query, scale, codes, 0) };
}

/**
 * Whether rows outside the coarse candidates all score below `threshold` exactly. A row's exact
 * score differs from its coarse one by at most |q'·(x' − x)| + |(q' − q)·x| ≤ ‖q'‖·errorₓ +
 * error_q·‖x‖ (Cauchy–Schwarz), with ‖q'‖ ≤ ‖q‖ + error_q; rows outside scored at most
 * `lowestCoarse` coarsely. Strict, so no row outside can tie the last hit kept either.
 */
export function coarseMissesNothing(
  lowestCoarse: number,
  threshold: number,
  query: Quantized,
  rows: { readonly maxError: number; readonly maxNorm: number },
): boolean {
  const bound = (query.norm + query.error) * rows.maxError + query.error * rows.maxNorm;
  // Float32 distances from the native scan and float32 rows: a margin far above their rounding.
  return lowestCoarse + bound + 1e-6 < threshold;
}
