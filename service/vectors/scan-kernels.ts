import type Usearch from 'usearch';
import type { CoarseRows, ScanKernel } from './collection-vectors.ts';
import { rowDot, topK, type ScanHit } from './exact-scan.ts';
import { coarseMissesNothing, quantizeQuery } from './int8-codes.ts';

/** The scan in JavaScript: no native code, ~10× slower than SIMD (bench/vector-engines.ts). */
export const javascriptKernel: ScanKernel = topK;

/**
 * Candidates the byte-coded pass keeps for rescoring: at least `least`, and `perHit` × k. Fewer
 * rescore faster and fall back to the full float32 scan more often. With 256, the bench:search
 * corpus never fell back in 300 queries at 10k and 100k rows; tests set small numbers to drive
 * both paths on small collections.
 */
export interface NativeKernelOptions {
  readonly least?: number;
  readonly perHit?: number;
}

/**
 * usearch's exact search (SIMD brute force, one thread) for unfiltered scans, the JavaScript scan
 * for filtered ones (usearch cannot skip rows). Large collections are scanned first on their
 * byte codes (a quarter of the memory traffic), then the candidates are rescored on the float32
 * rows; when the codes' measured error cannot rule out a row left out, the float32 rows are
 * scanned in full, so the answer is always the exact one. Undefined when usearch's prebuilt
 * binary does not load on this platform: the service then runs on the JavaScript scan.
 */
export async function loadNativeKernel(
  options: NativeKernelOptions = {},
): Promise<ScanKernel | undefined> {
  let usearch: typeof Usearch;
  try {
    usearch = (await import('usearch')).default;
  } catch {
    return undefined;
  }
  const { least = 256, perHit = 8 } = options;

  function exactScan(
    rows: Float32Array,
    count: number,
    query: Float32Array,
    k: number,
    minScore: number,
  ): ScanHit[] {
    const found = usearch.exactSearch(
      rows.subarray(0, count * query.length),
      // usearch 2.26.2 reads a view from the start of its buffer: give it a buffer of its own.
      query.byteOffset === 0 ? query : query.slice(),
      query.length,
      Math.min(k, count),
      usearch.MetricKind.IP,
      1,
    );
    const hits = [];
    for (let i = 0; i < found.keys.length; i++) {
      // Inner-product distance is 1 − dot.
      const score = 1 - (found.distances[i] ?? 1);
      if (score < minScore) break;
      hits.push({ row: Number(found.keys[i]), score });
    }
    return hits;
  }

  /** The exact hits from the byte codes' candidates, or undefined when they cannot be proved. */
  function coarseScan(
    rows: Float32Array,
    coarse: CoarseRows,
    count: number,
    query: Float32Array,
    k: number,
    minScore: number,
  ): ScanHit[] | undefined {
    const candidates = Math.max(least, perHit * k);
    if (candidates >= count) return undefined;
    const coded = quantizeQuery(query);
    // Inner product on bytes: the distance is 1 − the integer dot product, exact in float32.
    const found = usearch.exactSearch(
      coarse.codes,
      coded.codes,
      query.length,
      candidates,
      usearch.MetricKind.IP,
      1,
    );
    const hits: ScanHit[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const row = Number(found.keys[i]);
      const score = rowDot(rows, row, query);
      if (score >= minScore) hits.push({ row, score });
    }
    hits.sort((a, b) => b.score - a.score || a.row - b.row);
    hits.length = Math.min(hits.length, k);
    const lowestCoarse =
      (1 - (found.distances[found.distances.length - 1] ?? 1)) / (coarse.scale * coded.scale);
    const threshold = hits.length === k ? (hits[k - 1]?.score ?? minScore) : minScore;
    return coarseMissesNothing(lowestCoarse, threshold, coded, coarse) ? hits : undefined;
  }

  return (rows, count, query, k, minScore, accept, coarse) => {
    if (accept !== undefined || count === 0) return topK(rows, count, query, k, minScore, accept);
    return (
      (coarse === undefined ? undefined : coarseScan(rows, coarse, count, query, k, minScore)) ??
      exactScan(rows, count, query, k, minScore)
    );
  };
}
