import type { Attributes } from '@opentelemetry/api';
import type { InstrumentKind, MetricDef } from '../../catalog/types.ts';
import {
  labelChecker,
  labelCombinations,
  type CatalogCounter,
  type CatalogMeter,
  type Observe,
} from './catalog-meter.ts';

/** One series: the label set it was first recorded with, and its current value. */
export interface NumberPoint {
  readonly labels: Attributes;
  readonly value: number;
}
/** One histogram series; `counts` per bucket (not cumulative), the last one above every bound. */
export interface HistogramPoint {
  readonly labels: Attributes;
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}
/** The series of one catalog entry at a collection, in the order they were first recorded. */
export type FamilySnapshot =
  | {
      readonly def: MetricDef;
      readonly kind: Exclude<InstrumentKind, 'histogram'>;
      readonly points: readonly NumberPoint[];
    }
  | {
      readonly def: MetricDef;
      readonly kind: 'histogram';
      readonly boundaries: readonly number[];
      readonly points: readonly HistogramPoint[];
    };

export interface Collection {
  /** Entries in creation order; an entry with no series is left out. */
  readonly families: readonly FamilySnapshot[];
  /** What observable callbacks threw; the other entries are still collected. */
  readonly errors: readonly unknown[];
}

/** A catalog meter that keeps its series itself and hands them out when collected. */
export interface SeriesMeter extends CatalogMeter {
  collect(): Promise<Collection>;
}

interface Slot {
  readonly labels: Attributes;
  value: number;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** The series identity of a label set: names sorted, so key order does not split a series. */
function keyOf(labels: Attributes): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  names.sort();
  return JSON.stringify(names.map((name) => [name, labels[name]]));
}

/**
 * The series of one entry. A frozen label set (pre-bound, reused on every recording) finds its
 * slot by identity, so a recording on it is a WeakMap lookup and a few number writes, with no
 * key built and nothing allocated; any other label set is keyed by its sorted pairs.
 */
class SeriesTable {
  readonly slots: Slot[] = [];
  private readonly byKey = new Map<string, Slot>();
  private readonly byObject = new WeakMap<Attributes, Slot>();
  private readonly checkLabels: (labels: Attributes) => void;
  private readonly buckets: number;

  /** `checked`: whether label sets are checked against the entry (observables never were). */
  constructor(def: MetricDef, buckets: number, checked: boolean) {
    this.buckets = buckets;
    this.checkLabels = checked ? labelChecker(def) : () => undefined;
  }

  /** Checks a label set without making its series: for a value that is dropped. */
  check(labels: Attributes): void {
    if (!this.byObject.has(labels)) this.checkLabels(labels);
  }

  slot(labels: Attributes): Slot {
    const known = this.byObject.get(labels);
    if (known !== undefined) return known;
    this.checkLabels(labels);
    const key = keyOf(labels);
    let slot = this.byKey.get(key);
    if (slot === undefined) {
      slot = {
        labels,
        value: 0,
        counts: new Array<number>(this.buckets).fill(0),
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
      };
      this.byKey.set(key, slot);
      this.slots.push(slot);
    }
    if (Object.isFrozen(labels)) this.byObject.set(labels, slot);
    return slot;
  }
}

/** Index of the first bound at or above `value` (bounds are upper-inclusive), else the last. */
function bucketOf(bounds: readonly number[], value: number): number {
  let low = 0;
  let high = bounds.length - 1;
  let found = bounds.length;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if ((bounds[middle] as number) < value) low = middle + 1;
    else {
      found = middle;
      high = middle - 1;
    }
  }
  return found;
}

interface Entry {
  readonly def: MetricDef;
  readonly table: SeriesTable;
  /** Runs the entry's callback (observables) before its series are read. */
  readonly observe?: () => void | Promise<void>;
}

function numberPoints(table: SeriesTable): NumberPoint[] {
  return table.slots.map(({ labels, value }) => ({ labels, value }));
}

/**
 * The catalog meter of every aidb process. It follows the OpenTelemetry SDK's rules for what it
 * keeps (cumulative sums, last values, explicit-bucket histograms; negative counter and histogram
 * values dropped; a series observed once is exported from then on), so the exposition does not
 * change with it, at a fraction of the SDK's cost per recording.
 */
export function createSeriesMeter(allowed: readonly MetricDef[]): SeriesMeter {
  const declared = new Set(allowed);
  const entries: Entry[] = [];
  // One table per entry: creating it twice would split the series across two tables.
  const claim = (def: MetricDef, observe?: Entry['observe']): SeriesTable => {
    if (!declared.has(def))
      throw new RangeError(`telemetry: ${def.name} is not emitted by this process`);
    if (entries.some((entry) => entry.def.name === def.name))
      throw new RangeError(`telemetry: ${def.name} was already created`);
    const table = new SeriesTable(def, (def.buckets?.length ?? 0) + 1, observe === undefined);
    entries.push(observe === undefined ? { def, table } : { def, table, observe });
    return table;
  };
  const counting = <D extends MetricDef>(def: D, monotonic: boolean): CatalogCounter<D> => {
    const table = claim(def);
    const add = (value: number, labels: Attributes): void => {
      if (monotonic && value < 0) table.check(labels);
      else table.slot(labels).value += value;
    };
    return {
      add,
      zero: (only) => {
        for (const labels of labelCombinations(def, only)) add(0, labels);
      },
    };
  };
  const observable = <D extends MetricDef>(def: D, observe: Observe<D>): void => {
    // Observations count only once the callback has finished: a callback that fails reports
    // nothing, not the part it got through.
    const table: SeriesTable = claim(def, async () => {
      const observed: [Attributes, number][] = [];
      await observe((value, labels) => {
        observed.push([labels, value]);
      });
      for (const [labels, value] of observed) table.slot(labels).value = value;
    });
  };

  return {
    counter: (def) => counting(def, true),
    upDownCounter: (def) => counting(def, false),
    histogram(def) {
      const table = claim(def);
      const bounds = def.buckets ?? [];
      return {
        record(value, labels) {
          if (value < 0) {
            table.check(labels);
            return;
          }
          const slot = table.slot(labels);
          if (Number.isNaN(value)) return;
          (slot.counts[bucketOf(bounds, value)] as number) += 1;
          slot.sum += value;
          slot.count += 1;
          if (value < slot.min) slot.min = value;
          if (value > slot.max) slot.max = value;
        },
      };
    },
    gauge(def) {
      const table = claim(def);
      return {
        record(value, labels) {
          table.slot(labels).value = value;
        },
      };
    },
    observableGauge: observable,
    observableCounter: observable,
    async collect() {
      const errors: unknown[] = [];
      // Callbacks run side by side, as the SDK runs them: one slow query delays no other.
      await Promise.all(
        entries.map(async ({ observe }) => {
          try {
            await observe?.();
          } catch (error) {
            errors.push(error);
          }
        }),
      );
      const families: FamilySnapshot[] = [];
      for (const { def, table } of entries) {
        if (table.slots.length === 0) continue;
        if (def.kind === 'histogram')
          families.push({
            def,
            kind: 'histogram',
            boundaries: def.buckets ?? [],
            points: table.slots.map(({ labels, counts, sum, count, min, max }) => ({
              labels,
              counts: [...counts],
              sum,
              count,
              min,
              max,
            })),
          });
        else families.push({ def, kind: def.kind, points: numberPoints(table) });
      }
      return { families, errors };
    },
  };
}
