/**
 * What a benchmark reports against the bars of ARCHITECTURE.md ("Bars the product must
 * reach"). Every benchmark puts `figures` in its JSON output; `npm run bench` reads them from
 * there, so a new benchmark needs no change to the runner.
 */
export interface Bar {
  readonly op: '>=' | '<=';
  readonly value: number;
}

export interface Figure {
  /** What was measured, e.g. "search p99 at 10k documents (embedded)". */
  readonly name: string;
  /** `null` when the run did not produce it (a quick run skipping the stage). */
  readonly measured: number | null;
  readonly unit: string;
  /** The bar from ARCHITECTURE.md; absent for figures shown for context only. */
  readonly bar?: Bar;
}

export function meetsBar(figure: Figure): boolean | undefined {
  if (figure.bar === undefined || figure.measured === null) return undefined;
  return figure.bar.op === '>='
    ? figure.measured >= figure.bar.value
    : figure.measured <= figure.bar.value;
}

/** `AIDB_BENCH_QUICK=1` (set by `npm run bench -- --quick`): a smaller, faster run. */
export const quick = process.env.AIDB_BENCH_QUICK === '1';
