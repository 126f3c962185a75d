import { makeExpr, sortedUnique, type Expr } from './expr.ts';
import { checkQuantile, requireKind } from './functions.ts';
import { formatNumber } from './numbers.ts';
import { div } from './operators.ts';

export const aggregations = ['sum', 'max', 'min', 'avg', 'count'] as const;
export type Aggregation = (typeof aggregations)[number];

type Aggregatable<L extends string> = Expr<'gauge' | 'vector' | 'bucketRate' | 'aggregated', L>;

/**
 * Aggregates over an explicit allow-list of labels. Only `by` exists here, never `without`: a
 * label that is not listed (one a relabelling, a collector or an OTel exporter with scope labels
 * adds) cannot split a result.
 */
export function aggregate<L extends string, B extends L>(
  op: Aggregation,
  by: readonly B[],
  expr: Aggregatable<L>,
): Expr<'aggregated', B> {
  requireKind(op, ['gauge', 'vector', 'bucketRate', 'aggregated'], expr);
  const labels = sortedUnique(by);
  const missing = labels.filter((label) => !expr.labels.includes(label));
  if (missing.length > 0) {
    throw new RangeError(
      `promql: ${op} by (${missing.join(', ')}): not a label of ${expr.text} (has ${expr.labels.join(', ') || 'none'})`,
    );
  }
  const grouping = labels.length === 0 ? '' : ` by (${labels.join(', ')})`;
  const unit = op === 'count' ? 'count' : expr.kind === 'bucketRate' ? 'perSecond' : expr.unit;
  return makeExpr({
    kind: 'aggregated',
    text: `${op}${grouping} (${expr.text})`,
    labels,
    unit,
    atomic: true,
    selectors: expr.selectors,
  });
}

export const sum = <L extends string, B extends L>(by: readonly B[], expr: Aggregatable<L>) =>
  aggregate('sum', by, expr);
export const max = <L extends string, B extends L>(by: readonly B[], expr: Aggregatable<L>) =>
  aggregate('max', by, expr);
export const min = <L extends string, B extends L>(by: readonly B[], expr: Aggregatable<L>) =>
  aggregate('min', by, expr);
export const avg = <L extends string, B extends L>(by: readonly B[], expr: Aggregatable<L>) =>
  aggregate('avg', by, expr);

/** Summed numerator over summed denominator, both by the same labels (never an average of ratios). */
export function ratio<L extends string, B extends L>(
  by: readonly B[],
  numerator: Expr<'vector' | 'bucketRate', L>,
  denominator: Expr<'vector' | 'bucketRate', L>,
): Expr<'aggregated', B> {
  return makeExpr({ ...div(sum(by, numerator), sum(by, denominator)), unit: 'ratio' });
}

/**
 * `histogram_quantile` over the rate of a histogram's buckets, always summed by `le` plus the
 * listed labels first, so series of several instances or scopes merge into one distribution.
 */
export function histogramQuantile<L extends string, B extends Exclude<L, 'le'>>(
  quantile: number,
  by: readonly B[],
  bucketRate: Expr<'bucketRate', L>,
): Expr<'aggregated', B> {
  checkQuantile(quantile);
  requireKind('histogram_quantile', ['bucketRate'], bucketRate);
  const summed = aggregate('sum', [...by, 'le' as B], bucketRate);
  return makeExpr({
    kind: 'aggregated',
    text: `histogram_quantile(${formatNumber(quantile)}, ${summed.text})`,
    labels: sortedUnique(by),
    unit: bucketRate.unit,
    atomic: true,
    selectors: bucketRate.selectors,
  });
}
