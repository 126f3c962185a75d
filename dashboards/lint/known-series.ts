import { allMetrics } from '../../catalog/metrics.ts';
import { monitoringMetrics } from '../../catalog/metrics/monitoring.ts';
import { allSlos } from '../../catalog/slos.ts';
import { sloModel } from '../../alerts/slo/model.ts';
import { sloErrorsSeries, sloRequestsSeries } from '../../alerts/slo/recordings.ts';
import { prometheusTypeOf } from '../../catalog/types.ts';
import { scopeLabels } from '../../lib/promql/index.ts';

export interface KnownSeries {
  readonly type: 'counter' | 'gauge' | 'histogram-part';
  readonly labels: readonly string[];
}

/**
 * Every series name a query may select: catalog metrics (a histogram as its `_bucket`,
 * `_count` and `_sum` series), the monitoring stack's own series and the recorded SLO series.
 */
export function knownSeries(): ReadonlyMap<string, KnownSeries> {
  const known = new Map<string, KnownSeries>();
  for (const def of [...allMetrics, ...monitoringMetrics]) {
    const labels = [...Object.keys(def.labels), ...scopeLabels];
    const type = prometheusTypeOf[def.kind];
    if (type === 'histogram') {
      known.set(`${def.name}_bucket`, { type: 'histogram-part', labels: [...labels, 'le'] });
      known.set(`${def.name}_count`, { type: 'histogram-part', labels });
      known.set(`${def.name}_sum`, { type: 'histogram-part', labels });
    } else {
      known.set(def.name, { type, labels });
    }
  }
  for (const slo of allSlos) {
    for (const window of sloModel(slo).windows) {
      for (const def of [sloErrorsSeries(window), sloRequestsSeries(window)]) {
        known.set(def.name, { type: 'gauge', labels: ['slo', 'job'] });
      }
    }
  }
  return known;
}
