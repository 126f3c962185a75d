import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MetricDef } from '../../catalog/types.ts';
import { createCatalogMeter, type CatalogMeter } from './catalog-meter.ts';

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

export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** `OTEL_RESOURCE_ATTRIBUTES` (k=v,k=v, values percent-encoded per the OTel spec). */
function resourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return attributes;
}

/**
 * A MeterProvider whose only reader is a Prometheus exporter that never opens its own port: the
 * process serves `render()` on its own `/metrics`. The resource is built from the standard OTEL_
 * variables only; no process detector runs, so `target_info` cannot leak command-line arguments.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const env = options.env ?? process.env;
  const resource = resourceFromAttributes({
    ...resourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': env.OTEL_SERVICE_NAME ?? options.serviceName,
    'service.version': options.serviceVersion,
  });
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  const serializer = new PrometheusSerializer();
  const meter = createCatalogMeter(
    provider.getMeter(options.serviceName, options.serviceVersion),
    options.metrics,
  );
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
