import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type { MetricDef } from '../../catalog/types.ts';
import { units } from '../../catalog/types.ts';
import {
  labelChecker,
  labelCombinations,
  type CatalogCounter,
  type CatalogMeter,
  type Observe,
} from '../../lib/telemetry/catalog-meter.ts';

// The catalog meter on the OpenTelemetry SDK's own instruments, as the service and the agent
// recorded before the series meter: the reference the series meter's exposition is compared with.

function options(def: MetricDef): { description: string; unit: string } {
  return { description: def.help, unit: units[def.unit].ucum };
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
