import type { InstrumentKind, LabelSpecs, Unit } from '../../catalog/types.ts';
import type { ScopeLabel } from './scope.ts';

/**
 * What a selector needs from a series: catalog metric entries satisfy it, and so do recorded
 * series (recording rules), so both are selected the same typed way.
 */
export interface SeriesDef<
  Name extends string = string,
  Labels extends LabelSpecs = LabelSpecs,
  Kind extends InstrumentKind = InstrumentKind,
> {
  readonly name: Name;
  readonly kind: Kind;
  readonly unit: Unit;
  readonly labels: Labels;
  readonly buckets?: readonly number[];
  /** Scope labels the series carries; scraped series carry both, recorded ones what they keep. */
  readonly scopeLabels?: readonly ScopeLabel[];
  /**
   * A recording rule's output: its labels are exactly the declared and scope labels (no
   * `otel_scope_*`), so it is already aggregated and may be used as it is.
   */
  readonly recorded?: true;
}

export const counterKinds = ['counter', 'observable_counter'] as const;
export const gaugeKinds = ['gauge', 'observable_gauge', 'updown_counter'] as const;
export type CounterKind = (typeof counterKinds)[number];
export type GaugeKind = (typeof gaugeKinds)[number];

export type CounterDef = SeriesDef<string, LabelSpecs, CounterKind>;
export type GaugeDef = SeriesDef<string, LabelSpecs, GaugeKind>;
export type HistogramDef = SeriesDef<string, LabelSpecs, 'histogram'>;

/** Label names a query may use on a series: its declared labels and the scope labels. */
export type SeriesLabel<D extends SeriesDef> = (keyof D['labels'] & string) | ScopeLabel;
