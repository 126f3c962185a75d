import { ValueType, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type MetricDescriptor,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { units } from '../../catalog/types.ts';
import type { FamilySnapshot, SeriesMeter } from './series-meter.ts';

export interface Scope {
  readonly name: string;
  readonly version: string;
}

function hrTime(ms: number): HrTime {
  return [Math.trunc(ms / 1000), Math.round((ms % 1000) * 1e6)];
}

function metricData(family: FamilySnapshot, start: HrTime, end: HrTime): MetricData {
  const descriptor: MetricDescriptor = {
    name: family.def.name,
    description: family.def.help,
    unit: units[family.def.unit].ucum,
    valueType: ValueType.DOUBLE,
  };
  const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE };
  const times = { startTime: start, endTime: end };
  if (family.kind === 'histogram')
    return {
      ...base,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: family.points.map(({ labels, counts, sum, count, min, max }) => ({
        ...times,
        attributes: labels,
        value: {
          buckets: { boundaries: [...family.boundaries], counts: [...counts] },
          sum,
          count,
          ...(count > 0 ? { min, max } : {}),
        },
      })),
    };
  const dataPoints = family.points.map(({ labels, value }) => ({
    ...times,
    attributes: labels,
    value,
  }));
  switch (family.kind) {
    case 'counter':
    case 'observable_counter':
      return { ...base, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints };
    case 'updown_counter':
      return { ...base, dataPointType: DataPointType.SUM, isMonotonic: false, dataPoints };
    default:
      return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
  }
}

/**
 * The meter's series as OpenTelemetry metric data, for a reader's `metricProducers`: the
 * service's exporter serializes them as it would the SDK's own instruments. The resource here is
 * not used: the reader keeps its MeterProvider's.
 */
export function seriesProducer(meter: SeriesMeter, scope: Scope): MetricProducer {
  const start = hrTime(Date.now());
  return {
    async collect() {
      const { families, errors } = await meter.collect();
      const end = hrTime(Date.now());
      return {
        resourceMetrics: {
          resource: emptyResource(),
          scopeMetrics: [
            { scope, metrics: families.map((family) => metricData(family, start, end)) },
          ],
        },
        errors: [...errors],
      };
    },
  };
}
