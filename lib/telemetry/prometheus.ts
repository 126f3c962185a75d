import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MetricDef } from '../../catalog/types.ts';
import type { CatalogMeter } from './catalog-meter.ts';
import { seriesProducer } from './otel-producer.ts';
import { resourceAttributes } from './resource.ts';
import { createSeriesMeter } from './series-meter.ts';

export interface PrometheusMetricsOptions {
  /** `service.name` resource attribute; `OTEL_SERVICE_NAME` wins when set. */
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Catalog entries this process emits; nothing else can be created. */
  readonly metrics: readonly MetricDef[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface PrometheusMetrics {
  readonly meter: CatalogMeter;
  readonly provider: MeterProvider;
  /** The current exposition, Prometheus text format 0.0.4. */
  render(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * A MeterProvider whose only reader is a Prometheus exporter that never opens its own port: the
 * process serves `render()` on its own `/metrics`, without scope labels (`withoutScopeInfo`). The
 * resource is built from the standard OTEL_ variables only; no process detector runs, so
 * `target_info` cannot leak command-line arguments. The series are kept by a series meter and
 * handed to the exporter as a metric producer: the SDK's own instruments cost a sorted-JSON key
 * and a hash lookup on every recording, the hot path of every request.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const env = options.env ?? process.env;
  const resource = resourceFromAttributes(
    resourceAttributes(options.serviceName, options.serviceVersion, env),
  );
  const meter = createSeriesMeter(options.metrics);
  const scope = { name: options.serviceName, version: options.serviceVersion };
  const exporter = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [seriesProducer(meter, scope)],
  });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  // No `otel_scope_name`/`otel_scope_version` on every series: Prometheus users do not expect
  // them, each process has one scope, and they add series to every query that keeps labels.
  const serializer = new PrometheusSerializer(undefined, undefined, undefined, false, true);
  return {
    meter,
    provider,
    async render() {
      const { resourceMetrics, errors } = await exporter.collect();
      if (errors.length > 0)
        throw new AggregateError(errors, 'telemetry: metric collection failed');
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}
