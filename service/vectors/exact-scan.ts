/**
 * Exact top-k by dot product over vectors packed row by row in one Float32Array. Pure and
 * allocation-free in the loop: on unit vectors the dot product is the cosine similarity.
 */

/**
 * Dot product of row `row` of `rows` with `query`, unrolled by four for the JIT. Indexes are in
 * bounds by construction; `as number` (not `?? 0`) keeps the hot loop free of checks.
 */
export function rowDot(rows: Float32Array, row: number, query: Float32Array): number {
  const dimension = query.length;
  let at = row * dimension;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4, at += 4) {
    a += (rows[at] as number) * (query[i] as number);
    b += (rows[at + 1] as number) * (query[i + 1] as number);
    c += (rows[at + 2] as number) * (query[i + 2] as number);
    d += (rows[at + 3] as number) * (query[i + 3] as number);
  }
  for (; i < dimension; i++, at++) a += (rows[at] as number) * (query[i] as number);
  return a + b + c + d;
}

export interface ScanHit {
  readonly row: number;
  readonly score: number;
}

/**
 * The `k` best of the first `count` rows, best first; `accept` (when given) rejects rows before
 * they compete, and rows scoring below `minScore` never enter. Ties keep the lower row first, so
 * the order is deterministic; callers that need a different tie order re-sort the result.
 */
export function topK(
  rows: Float32Array,
  count: number,
  query: Float32Array,
  k: number,
  minScore = -Infinity,
  accept?: (row: number) => boolean,
): ScanHit[] {
  const scores = new Float64Array(k);
  const ids = new Int32Array(k);
  let size = 0;
  // The score a row must beat to enter: the worst kept score once the list is full.
  let floor = minScore;
  for (let row = 0; row < count; row++) {
    const score = rowDot(rows, row, query);
    if (score < floor || (size === k && score === floor)) continue;
    if (accept !== undefined && !accept(row)) continue;
    let at = size < k ? size++ : k - 1;
    while (at > 0 && (scores[at - 1] as number) < score) {
      scores[at] = scores[at - 1] as number;
      ids[at] = ids[at - 1] as number;
      at--;
    }
    scores[at] = score;
    ids[at] = row;
    if (size === k) floor = Math.max(minScore, scores[k - 1] as number);
  }
  return Array.from({ length: size }, (_, i) => ({
    row: ids[i] as number,
    score: scores[i] as number,
  }));
}
