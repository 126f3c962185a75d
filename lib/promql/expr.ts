/**
 * The value every PromQL helper returns: the expression text plus what the type checker and the
 * generators need to know about it. Expressions are only made by the helpers in this folder, so
 * dashboards and rules never paste PromQL together by hand.
 */

/**
 * What an expression is, which decides where it may be used:
 * - `counter`: a raw counter selector; only `rate`/`increase` (or `absent`) may take it.
 * - `buckets`: a raw `_bucket` selector of a histogram; only `rate` may take it.
 * - `gauge`: a raw gauge selector.
 * - `vector`: a per-series result that still carries every label of the source series,
 *   whatever the scrape added; it must be aggregated before it is compared or shown.
 * - `bucketRate`: `rate()` of buckets; only aggregation and `histogramQuantile` take it.
 * - `aggregated`: a vector whose labels are exactly the ones listed (an allow-list).
 * - `scalar`: a number.
 */
export type ExprKind =
  'counter' | 'buckets' | 'gauge' | 'vector' | 'bucketRate' | 'aggregated' | 'scalar';

/** Units an expression's values carry; panels and descriptions derive from them. */
export type ExprUnit =
  | 'seconds'
  | 'bytes'
  | 'timestamp'
  | 'ratio'
  | 'count'
  | 'info'
  /** Things per second (rate of a count). */
  | 'perSecond'
  /** Seconds per second (rate of a seconds counter): a share of one core or of wall time. */
  | 'secondsPerSecond'
  | 'bytesPerSecond'
  | 'none';

/** A selector inside an expression, kept so a live test can check that each returns series. */
export interface SelectorRef {
  readonly text: string;
  readonly metric: string;
  /** Why the selector is expected to return nothing (set inside `absent()`). */
  readonly absentByDesign?: string;
}

export interface Expr<K extends ExprKind = ExprKind, L extends string = string> {
  readonly kind: K;
  readonly text: string;
  /** Labels the result carries (for raw selectors: declared, scope and `le`; never `otel_scope_*`). */
  readonly labels: readonly L[];
  readonly unit: ExprUnit;
  /** False for binary expressions, which need parentheses when nested. */
  readonly atomic: boolean;
  readonly selectors: readonly SelectorRef[];
  /** Labels a selector pins to one value (`job="aidb"`): what `absent()` returns as labels. */
  readonly pinned?: Readonly<Record<string, string>>;
}

/** Aggregated or scalar: what an alert, a recording rule or a panel may show. */
export type Result<L extends string = string> = Expr<'aggregated', L> | Expr<'scalar', never>;

export function makeExpr<K extends ExprKind, L extends string>(fields: Expr<K, L>): Expr<K, L> {
  return Object.freeze({
    ...fields,
    labels: Object.freeze([...fields.labels]),
    selectors: Object.freeze([...fields.selectors]),
  });
}

/** The text of an operand, parenthesised when it is itself a binary expression. */
export function operand(expr: Expr): string {
  return expr.atomic ? expr.text : `(${expr.text})`;
}

/** Unique, sorted: one canonical order makes generated output byte-identical. */
export function sortedUnique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}
