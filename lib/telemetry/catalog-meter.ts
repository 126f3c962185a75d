import type { Attributes } from '@opentelemetry/api';
import type {
  InstrumentKind,
  LabelSpec,
  LabelSpecs,
  LabelValueOf,
  MetricDef,
} from '../../catalog/types.ts';

/** The label values a recording must supply: every declared label, values from its closed set. */
export type LabelValues<D> =
  D extends MetricDef<string, infer L> ? { readonly [K in keyof L]: LabelValueOf<L[K]> } : never;

type Def<K extends InstrumentKind> = MetricDef<string, LabelSpecs, K>;

/** For some labels, the values to zero instead of every declared one. */
export type ZeroOnly<D> = {
  readonly [K in keyof LabelValues<D>]?: readonly LabelValues<D>[K][];
};

export interface CatalogCounter<D> {
  add(value: number, labels: LabelValues<D>): void;
  /**
   * Adds 0 to every combination of declared label values (narrowed by `only`), so each series
   * exists from the first scrape: OpenTelemetry exports a counter only once something was added,
   * and rate() or an alert on a missing series sees nothing rather than 0. A label bounded
   * elsewhere (no declared values) must be given in `only`.
   */
  zero(only?: ZeroOnly<D>): void;
}
export interface CatalogRecorder<D> {
  record(value: number, labels: LabelValues<D>): void;
}
/** Callback of an observable: report one value per label set; may be async (a query). */
export type Observe<D> = (
  report: (value: number, labels: LabelValues<D>) => void,
) => void | Promise<void>;

/**
 * Makes instruments from catalog entries, the only place instruments are made (the series meter
 * implements it). Label names and values are checked by the compiler against the entry.
 */
export interface CatalogMeter {
  counter<D extends Def<'counter'>>(def: D): CatalogCounter<D>;
  upDownCounter<D extends Def<'updown_counter'>>(def: D): CatalogCounter<D>;
  histogram<D extends Def<'histogram'>>(def: D): CatalogRecorder<D>;
  gauge<D extends Def<'gauge'>>(def: D): CatalogRecorder<D>;
  observableGauge<D extends Def<'observable_gauge'>>(def: D, observe: Observe<D>): void;
  observableCounter<D extends Def<'observable_counter'>>(def: D, observe: Observe<D>): void;
}

function closedValues(spec: LabelSpec): readonly string[] | undefined {
  return 'values' in spec ? spec.values : undefined;
}

/** Every combination of the values `only` names or the entry declares, in declaration order. */
export function labelCombinations(
  def: MetricDef,
  only: Readonly<Record<string, readonly string[] | undefined>> = {},
): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [label, spec] of Object.entries(def.labels)) {
    const values = only[label] ?? closedValues(spec);
    if (values === undefined)
      throw new TypeError(`telemetry: ${def.name} label ${label} has no declared values to zero`);
    combinations = combinations.flatMap((partial) =>
      values.map((value) => ({ ...partial, [label]: value })),
    );
  }
  return combinations;
}

/**
 * Rejects a label value outside the entry's closed set before it becomes a new series. A frozen
 * label set (a pre-bound one, reused on every recording) is checked once: it cannot change after.
 */
export function labelChecker(def: MetricDef): (labels: Attributes) => void {
  const specs = Object.entries(def.labels).map(([label, spec]) => ({
    label,
    allowed: closedValues(spec),
  }));
  const checked = new WeakSet<Attributes>();
  return (labels) => {
    const reusable = Object.isFrozen(labels);
    if (reusable && checked.has(labels)) return;
    for (const { label, allowed } of specs) {
      const value = labels[label];
      if (value === undefined) throw new TypeError(`telemetry: ${def.name} needs label ${label}`);
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (allowed !== undefined && !allowed.includes(text)) {
        throw new RangeError(`telemetry: ${def.name}{${label}="${text}"} is not declared`);
      }
    }
    if (reusable) checked.add(labels);
  };
}
