import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type {
  InstrumentKind,
  LabelSpec,
  LabelSpecs,
  LabelValueOf,
  MetricDef,
} from '../../catalog/types.ts';
import { units } from '../../catalog/types.ts';

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
 * Creates OpenTelemetry instruments from catalog entries, the only place instruments are made.
 * Label names and values are checked by the compiler against the entry.
 */
export interface CatalogMeter {
  counter<D extends Def<'counter'>>(def: D): CatalogCounter<D>;
  upDownCounter<D extends Def<'updown_counter'>>(def: D): CatalogCounter<D>;
  histogram<D extends Def<'histogram'>>(def: D): CatalogRecorder<D>;
  gauge<D extends Def<'gauge'>>(def: D): CatalogRecorder<D>;
  observableGauge<D extends Def<'observable_gauge'>>(def: D, observe: Observe<D>): void;
  observableCounter<D extends Def<'observable_counter'>>(def: D, observe: Observe<D>): void;
}

function options(def: MetricDef): { description: string; unit: string } {
  return { description: def.help, unit: units[def.unit].ucum };
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

/** A counter (or up-down counter) that checks its labels against the entry. */
function counting<D extends MetricDef>(
  def: D,
  counter: { add(value: number, attributes: Attributes): void },
): CatalogCounter<D> {
  const checkLabels = labelChecker(def);
  const add = (value: number, labels: Attributes): void => {
    checkLabels(labels);
    counter.add(value, labels);
  };
  return {
    add,
    zero: (only) => {
      for (const labels of labelCombinations(def, only)) add(0, labels);
    },
  };
}

export function createCatalogMeter(meter: Meter, allowed: readonly MetricDef[]): CatalogMeter {
  const declared = new Set(allowed);
  const created = new Set<string>();
  // One instrument per entry: creating it twice would split the series across two instruments.
  const claim = (def: MetricDef): void => {
    if (!declared.has(def))
      throw new RangeError(`telemetry: ${def.name} is not emitted by this process`);
    if (created.has(def.name)) throw new RangeError(`telemetry: ${def.name} was already created`);
    created.add(def.name);
  };
  const observer =
    <D extends MetricDef>(def: D, observe: Observe<D>) =>
    (result: ObservableResult): void | Promise<void> =>
      observe((value, labels) => {
        result.observe(value, labels);
      });

  return {
    counter(def) {
      claim(def);
      return counting(def, meter.createCounter(def.name, options(def)));
    },
    upDownCounter(def) {
      claim(def);
      return counting(def, meter.createUpDownCounter(def.name, options(def)));
    },
    histogram(def) {
      claim(def);
      const histogram = meter.createHistogram(def.name, {
        ...options(def),
        advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] },
      });
      const checkLabels = labelChecker(def);
      return {
        record: (value, labels) => {
          checkLabels(labels);
          histogram.record(value, labels);
        },
      };
    },
    gauge(def) {
      claim(def);
      const gauge = meter.createGauge(def.name, options(def));
      const checkLabels = labelChecker(def);
      return {
        record: (value, labels) => {
          checkLabels(labels);
          gauge.record(value, labels);
        },
      };
    },
    observableGauge(def, observe) {
      claim(def);
      meter.createObservableGauge(def.name, options(def)).addCallback(observer(def, observe));
    },
    observableCounter(def, observe) {
      claim(def);
      meter.createObservableCounter(def.name, options(def)).addCallback(observer(def, observe));
    },
  };
}
