import { makeExpr, type Expr, type ExprKind, type ExprUnit } from './expr.ts';
import { formatNumber } from './numbers.ts';
import { checkWindow, type Window } from './window.ts';

const perSecond: Partial<Record<ExprUnit, ExprUnit>> = {
  count: 'perSecond',
  seconds: 'secondsPerSecond',
  bytes: 'bytesPerSecond',
};

/**
 * The types already forbid the wrong kind; this catches callers that cast their way past them,
 * so a mistake still fails at generation instead of producing a query that silently misleads.
 */
export function requireKind(fn: string, kinds: readonly ExprKind[], expr: Expr): void {
  const kind: ExprKind = expr.kind;
  if (!kinds.includes(kind)) {
    throw new TypeError(`promql: ${fn}() takes ${kinds.join(' or ')}, not ${kind} ${expr.text}`);
  }
}

function range(expr: Expr, window: Window): string {
  checkWindow(window);
  return `${expr.text}[${window}]`;
}

function call<K extends 'vector' | 'bucketRate', L extends string>(
  kind: K,
  text: string,
  source: Expr<ExprKind, L>,
  unit: ExprUnit,
): Expr<K, L> {
  return makeExpr({
    kind,
    text,
    labels: source.labels,
    unit,
    atomic: true,
    selectors: source.selectors,
  });
}

/** Per-second rate of a counter; the only way (with `increase`) a counter enters a query. */
export function rate<L extends string>(expr: Expr<'counter', L>, window: Window): Expr<'vector', L>;
export function rate<L extends string>(
  expr: Expr<'buckets', L>,
  window: Window,
): Expr<'bucketRate', L>;
export function rate(expr: Expr<'counter' | 'buckets'>, window: Window): Expr {
  requireKind('rate', ['counter', 'buckets'], expr);
  const text = `rate(${range(expr, window)})`;
  return expr.kind === 'buckets'
    ? call('bucketRate', text, expr, expr.unit)
    : call('vector', text, expr, perSecond[expr.unit] ?? 'none');
}

/** Increase of a counter over the window (extrapolated, so not always a whole number). */
export function increase<L extends string>(
  expr: Expr<'counter', L>,
  window: Window,
): Expr<'vector', L> {
  requireKind('increase', ['counter'], expr);
  return call('vector', `increase(${range(expr, window)})`, expr, expr.unit);
}

/** How often a gauge changed value in the window (a restart changes the start time). */
export function changes<L extends string>(
  expr: Expr<'gauge', L>,
  window: Window,
): Expr<'vector', L> {
  return call('vector', `changes(${range(expr, window)})`, expr, 'count');
}

export const overTimeFunctions = ['max', 'min', 'avg', 'last'] as const;
export type OverTimeFunction = (typeof overTimeFunctions)[number];

/** `max_over_time` and friends over a gauge. */
export function overTime<L extends string>(
  fn: OverTimeFunction,
  expr: Expr<'gauge', L>,
  window: Window,
): Expr<'vector', L> {
  return call('vector', `${fn}_over_time(${range(expr, window)})`, expr, expr.unit);
}

export function quantileOverTime<L extends string>(
  quantile: number,
  expr: Expr<'gauge', L>,
  window: Window,
): Expr<'vector', L> {
  checkQuantile(quantile);
  return call(
    'vector',
    `quantile_over_time(${formatNumber(quantile)}, ${range(expr, window)})`,
    expr,
    expr.unit,
  );
}

export function checkQuantile(quantile: number): void {
  if (!(quantile > 0 && quantile < 1)) {
    throw new RangeError(`promql: quantile ${String(quantile)} must lie strictly between 0 and 1`);
  }
}

/**
 * 1 with the selector's pinned labels when the selector matches nothing. Its selectors are
 * marked absent by design: a live test must not expect them to return series.
 */
export function absent<L extends string>(
  expr: Expr<'counter' | 'gauge' | 'buckets', L>,
  reason: string,
): Expr<'aggregated', L> {
  const pinned = expr.pinned ?? {};
  return makeExpr({
    kind: 'aggregated',
    text: `absent(${expr.text})`,
    labels: Object.keys(pinned).sort() as L[],
    unit: 'none',
    atomic: true,
    selectors: expr.selectors.map((s) => ({ ...s, absentByDesign: reason })),
    pinned,
  });
}

/** Rounds every value to the nearest integer; keeps labels. */
export function round<L extends string>(expr: Expr<'aggregated', L>): Expr<'aggregated', L> {
  return makeExpr({ ...expr, text: `round(${expr.text})`, atomic: true });
}

/** The evaluation time, seconds since the epoch. */
export function time(): Expr<'scalar', never> {
  return makeExpr({
    kind: 'scalar',
    text: 'time()',
    labels: [],
    unit: 'timestamp',
    atomic: true,
    selectors: [],
  });
}

/** A constant one-element vector without labels (the Watchdog's always-true expression). */
export function vector(value: number): Expr<'aggregated', never> {
  return makeExpr({
    kind: 'aggregated',
    text: `vector(${formatNumber(value)})`,
    labels: [],
    unit: 'none',
    atomic: true,
    selectors: [],
  });
}
