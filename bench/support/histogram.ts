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

/** Sum (seconds) and count of histogram series, keyed by the values of some of their labels. */
export type Totals = ReadonlyMap<string, { readonly sum: number; readonly count: number }>;

/** `name`'s sums and counts on every service of `urls`, added up, by the labels `by`. */
export async function scrapeTotals(
  urls: readonly string[],
  name: string,
  by: readonly string[],
): Promise<Totals> {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`, { headers: benchAuth })).text();
    for (const sample of parseExposition(text).get(name)?.samples ?? []) {
      const field =
        sample.name === `${name}_sum` ? 'sum' : sample.name === `${name}_count` ? 'count' : '';
      if (field === '') continue;
      const key = by.map((label) => sample.labels[label] ?? '').join(' ');
      const total = totals.get(key) ?? { sum: 0, count: 0 };
      total[field] += sample.value;
      totals.set(key, total);
    }
  }
  return totals;
}

/** What was observed between two scrapes, series that saw nothing left out. */
export function totalsBetween(before: Totals, after: Totals): Totals {
  const between = new Map<string, { sum: number; count: number }>();
  for (const [key, { sum, count }] of after) {
    const earlier = before.get(key) ?? { sum: 0, count: 0 };
    if (count > earlier.count)
      between.set(key, { sum: sum - earlier.sum, count: count - earlier.count });
  }
  return between;
}
