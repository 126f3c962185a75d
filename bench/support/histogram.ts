import { parseExposition } from '../../test/support/exposition.ts';
import { benchAuth } from './service-process.ts';

/** Cumulative bucket counts of one histogram series, by upper bound (`+Inf` last). */
export type Buckets = ReadonlyMap<number, number>;

/** The buckets of `name` whose labels include `labels`, summed over the other labels. */
export async function scrapeBuckets(
  url: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`, { headers: benchAuth })).text();
  const buckets = new Map<number, number>();
  for (const sample of parseExposition(text).get(name)?.samples ?? []) {
    if (sample.name !== `${name}_bucket`) continue;
    if (Object.entries(labels).some(([key, value]) => sample.labels[key] !== value)) continue;
    const bound = Number(sample.labels.le === '+Inf' ? Infinity : sample.labels.le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  return new Map([...buckets].sort(([a], [b]) => a - b));
}

/** What was observed between two scrapes. */
export function bucketsBetween(before: Buckets, after: Buckets): Buckets {
  return new Map([...after].map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)]));
}

/** Share (%) of the observations above `bound` seconds; `bound` must be a bucket bound. */
export function shareAbove(buckets: Buckets, bound: number): number {
  const total = buckets.get(Infinity) ?? 0;
  const within = buckets.get(bound);
  if (within === undefined) throw new Error(`${String(bound)} s is not a bucket bound`);
  return total === 0 ? 0 : (100 * (total - within)) / total;
}
