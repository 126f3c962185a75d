import { makeExpr, sortedUnique, type Expr, type ExprUnit } from './expr.ts';
import {
  checkMatcher,
  isEquality,
  renderMatcher,
  type AnyMatcher,
  type LabelMatchers,
} from './matchers.ts';
import { scopeLabels, type Scope, type ScopeLabel } from './scope.ts';
import {
  counterKinds,
  gaugeKinds,
  type CounterDef,
  type GaugeDef,
  type HistogramDef,
  type SeriesDef,
  type SeriesLabel,
} from './series.ts';

type Matchers<D extends SeriesDef> = NoInfer<LabelMatchers<D['labels']>>;

/** Typed selectors bound to one scope; the only way to name a series in a query. */
export interface Selectors {
  /** A counter; usable only inside `rate`/`increase` (or `absent`). */
  counter<D extends CounterDef>(def: D, matchers?: Matchers<D>): Expr<'counter', SeriesLabel<D>>;
  gauge<D extends GaugeDef>(def: D, matchers?: Matchers<D>): Expr<'gauge', SeriesLabel<D>>;
  /**
   * The `_bucket` series of a histogram. `le` picks one bound, which must be declared and
   * non-integer: Prometheus 3 writes `le="1"` as `le="1.0"`, so only such bounds select the same
   * series on Prometheus 2 and 3.
   */
  buckets<D extends HistogramDef>(
    def: D,
    matchers?: Matchers<D>,
    le?: number,
  ): Expr<'buckets', SeriesLabel<D> | 'le'>;
  /** The `_count` series of a histogram (a counter). */
  count<D extends HistogramDef>(def: D, matchers?: Matchers<D>): Expr<'counter', SeriesLabel<D>>;
  /**
   * Any series by its kind (a histogram by its `_count`), for label lookups such as Grafana's
   * `label_values()`, never for values.
   */
  series<D extends SeriesDef>(
    def: D,
    matchers?: Matchers<D>,
  ): Expr<'counter' | 'gauge', SeriesLabel<D>>;
  /** A recorded series (its labels are an allow-list already). */
  recorded<D extends SeriesDef & { readonly recorded: true }>(
    def: D,
    matchers?: Matchers<D>,
  ): Expr<'aggregated', SeriesLabel<D>>;
  /** The `_sum` series of a histogram (a counter). */
  sum<D extends HistogramDef>(def: D, matchers?: Matchers<D>): Expr<'counter', SeriesLabel<D>>;
}

const catalogUnits: Record<SeriesDef['unit'], ExprUnit> = {
  seconds: 'seconds',
  bytes: 'bytes',
  timestamp: 'timestamp',
  ratio: 'ratio',
  count: 'count',
  info: 'info',
};

/** Renders `le` so Prometheus 2 and 3 read the same text; rejects bounds that differ. */
function leValue(def: HistogramDef, le: number): string {
  if (!(def.buckets ?? []).includes(le)) {
    throw new RangeError(`promql: ${String(le)} is not a bucket bound of ${def.name}`);
  }
  if (Number.isInteger(le)) {
    throw new RangeError(
      `promql: le="${String(le)}" of ${def.name} is an integer bound, which Prometheus 3 writes as "${String(le)}.0"; select a non-integer bound`,
    );
  }
  return String(le);
}

export function selectors(scope: Scope): Selectors {
  const build = <K extends 'counter' | 'gauge' | 'buckets' | 'aggregated', L extends string>(
    kind: K,
    def: SeriesDef,
    suffix: string,
    matchers: Readonly<Record<string, AnyMatcher | undefined>>,
    unit: ExprUnit,
    extra: readonly [string, AnyMatcher][] = [],
  ): Expr<K, L> => {
    const carried: readonly ScopeLabel[] = def.scopeLabels ?? scopeLabels;
    const parts: string[] = [];
    const pinned: Record<string, string> = {};
    const pin = (label: string, matcher: AnyMatcher): void => {
      if (isEquality(matcher)) pinned[label] = matcher;
      parts.push(renderMatcher(label, matcher));
    };
    for (const label of scopeLabels) {
      const matcher = scope[label];
      if (matcher === undefined) continue;
      if (!carried.includes(label)) {
        throw new RangeError(`promql: ${def.name} does not carry the ${label} label`);
      }
      pin(label, matcher);
    }
    for (const label of Object.keys(matchers).sort()) {
      const matcher = matchers[label];
      if (matcher === undefined) continue;
      const spec = def.labels[label];
      if (spec === undefined) {
        throw new RangeError(`promql: ${def.name} declares no label ${label}`);
      }
      checkMatcher(def.name, label, spec, matcher);
      pin(label, matcher);
    }
    for (const [label, matcher] of extra) pin(label, matcher);
    const name = `${def.name}${suffix}`;
    const text = parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
    // The label names are the ones SeriesLabel<D> lists at the type level.
    const labels = sortedUnique([
      ...Object.keys(def.labels),
      ...carried,
      ...(kind === 'buckets' ? ['le'] : []),
    ]) as L[];
    return makeExpr({
      kind,
      text,
      labels,
      unit,
      atomic: true,
      selectors: [{ text, metric: name }],
      pinned,
    });
  };
  // The types already forbid the wrong kind; these catch callers that cast past them.
  const requireKind = (def: SeriesDef, kinds: readonly string[], what: string): void => {
    if (!kinds.includes(def.kind)) throw new TypeError(`promql: ${def.name} is not ${what}`);
  };
  const histogram = (def: SeriesDef): void => {
    requireKind(def, ['histogram'], 'a histogram');
  };

  return Object.freeze({
    counter: (def, matchers = {}) => {
      requireKind(def, counterKinds, 'a counter');
      return build('counter', def, '', matchers, catalogUnits[def.unit]);
    },
    gauge: (def, matchers = {}) => {
      requireKind(def, gaugeKinds, 'a gauge');
      return build('gauge', def, '', matchers, catalogUnits[def.unit]);
    },
    buckets: (def, matchers = {}, le) => {
      histogram(def);
      const extra: [string, AnyMatcher][] = le === undefined ? [] : [['le', leValue(def, le)]];
      return build('buckets', def, '_bucket', matchers, catalogUnits[def.unit], extra);
    },
    series: (def, matchers = {}) => {
      if (def.kind === 'histogram') return build('counter', def, '_count', matchers, 'count');
      const counter = (counterKinds as readonly string[]).includes(def.kind);
      return build(counter ? 'counter' : 'gauge', def, '', matchers, catalogUnits[def.unit]);
    },
    recorded: (def, matchers = {}) =>
      build('aggregated', def, '', matchers, catalogUnits[def.unit]),
    count: (def, matchers = {}) => {
      histogram(def);
      return build('counter', def, '_count', matchers, 'count');
    },
    sum: (def, matchers = {}) => {
      histogram(def);
      return build('counter', def, '_sum', matchers, catalogUnits[def.unit]);
    },
  } satisfies Selectors);
}
