import type Usearch from 'usearch';
import type { ScanKernel } from './collection-vectors.ts';
import { topK } from './exact-scan.ts';

/** The scan in JavaScript: no native code, ~10× slower than SIMD (bench/vector-engines.ts). */
export const javascriptKernel: ScanKernel = topK;

/**
 * usearch's exact search (SIMD brute force, one thread) for unfiltered scans, the JavaScript scan
 * for filtered ones (usearch cannot skip rows). Undefined when usearch's prebuilt binary does not
 * load on this platform: the service then runs on the JavaScript scan.
 */
export async function loadNativeKernel(): Promise<ScanKernel | undefined> {
  let usearch: typeof Usearch;
  try {
    usearch = (await import('usearch')).default;
  } catch {
    return undefined;
  }
  return (rows, count, query, k, minScore, accept) => {
    if (accept !== undefined || count === 0) return topK(rows, count, query, k, minScore, accept);
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
  };
}
