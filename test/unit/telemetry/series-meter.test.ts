import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { renderCollection } from '../../../agent/exposition.ts';
import { metricsOf } from '../../../catalog/metrics.ts';
import { backupLastSuccess } from '../../../catalog/metrics/backups.ts';
import { dependencyErrors } from '../../../catalog/metrics/dependencies.ts';
import {
  httpServerActiveRequests,
  httpServerRequestDuration,
} from '../../../catalog/metrics/http.ts';
import { buildInfo, heapSize, processCpu } from '../../../catalog/metrics/runtime.ts';
import type { CatalogMeter } from '../../../lib/telemetry/catalog-meter.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { resourceAttributes } from '../../../lib/telemetry/resource.ts';
import { createSeriesMeter } from '../../../lib/telemetry/series-meter.ts';
import { createCatalogMeter } from '../../support/sdk-catalog-meter.ts';

const allowed = [...new Set([...metricsOf('service'), ...metricsOf('agent')])];
const resource = resourceAttributes('aidb', '1.2.3', {
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
});

interface Path {
  readonly meter: CatalogMeter;
  render(): Promise<string>;
}

/** The former path: the SDK's own instruments, serialized by its Prometheus exporter. */
function sdkInstruments(): Path {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [exporter],
  });
  const serializer = new PrometheusSerializer(undefined, undefined, undefined, false, true);
  return {
    meter: createCatalogMeter(provider.getMeter('aidb', '1.2.3'), allowed),
    async render() {
      return serializer.serialize((await exporter.collect()).resourceMetrics);
    },
  };
}

/** The service's path: series kept by the series meter, handed to the same exporter. */
function serviceExporter(): Path {
  const metrics = createPrometheusMetrics({
    serviceName: 'aidb',
    serviceVersion: '1.2.3',
    metrics: allowed,
    env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' },
  });
  return { meter: metrics.meter, render: () => metrics.render() };
}

/** The agent's path: the same series written by its own text renderer, no SDK. */
function agentText(): Path {
  const meter = createSeriesMeter(allowed);
  return { meter, render: async () => renderCollection(await meter.collect(), resource) };
}

/** Two scrapes of every instrument kind, with the cases where SDK rules decide what shows. */
async function scrapes(path: Path): Promise<string[]> {
  const { meter } = path;
  let heap: { state: 'used' | 'total' | 'limit'; value: number }[] = [];
  let cpu = 0.25;
  // Registered before the sync instruments: families come out in creation order.
  meter.observableGauge(heapSize, (report) => {
    for (const { state, value } of heap) report(value, { state });
  });
  meter.observableCounter(processCpu, (report) => {
    report(cpu, {});
  });
  meter.observableGauge(buildInfo, (report) => {
    report(1, { version: 'v"1\\2\n', nodejs_version: process.version });
  });
  const errors = meter.counter(dependencyErrors);
  const active = meter.upDownCounter(httpServerActiveRequests);
  const duration = meter.histogram(httpServerRequestDuration);
  const lastSuccess = meter.gauge(backupLastSuccess);
  const bound = Object.freeze({
    http_request_method: 'GET',
    http_route: '/v1/collections/{name}/search',
    http_response_status_code: '200',
  } as const);

  errors.zero({ dependency: ['redis'], operation: ['cache_get'] });
  errors.add(2, { dependency: 'postgres', operation: 'query', error_type: 'timeout' });
  // The same series with its labels in another order, and a dropped negative value.
  errors.add(1, { error_type: 'timeout', operation: 'query', dependency: 'postgres' } as never);
  errors.add(-5, { dependency: 'qdrant', operation: 'search', error_type: 'timeout' } as never);
  active.zero();
  active.add(3, {});
  active.add(-1, {});
  for (const value of [0, 0.005, 0.0051, 0.3, 2.5, 1e6, -1, Number.NaN])
    duration.record(value, bound);
  duration.record(0.02, { ...bound, http_response_status_code: '500' });
  lastSuccess.record(1_700_000_000.5, { target: 'postgres' });
  heap = [
    { state: 'used', value: 1024 },
    { state: 'total', value: 4096 },
  ];
  const first = await path.render();

  // Second scrape: a series no longer observed stays with its last value, as in the SDK.
  heap = [
    { state: 'limit', value: 8192 },
    { state: 'used', value: 2048 },
  ];
  cpu = 0.75;
  errors.add(0.5, { dependency: 'postgres', operation: 'query', error_type: 'timeout' });
  duration.record(0.1, bound);
  lastSuccess.record(1_700_000_100, { target: 'postgres' });
  lastSuccess.record(1_700_000_050, { target: 'qdrant' });
  return [first, await path.render()];
}

describe('the series meter', () => {
  it('renders through the exporter exactly what the SDK instruments rendered', async () => {
    const expected = await scrapes(sdkInstruments());
    // The cases above must show up at all, or the comparison proves little.
    expect(expected[1]).toContain('nodejs_heap_size_bytes{state="total"} 4096');
    expect(expected[1]).toContain('aidb_dependency_errors_total{dependency="redis"');
    expect(expected[1]).toContain('http_server_request_duration_seconds_count{');
    expect(expected[1]).toContain('aidb_backup_last_success_timestamp_seconds{target="qdrant"}');
    expect(await scrapes(serviceExporter())).toEqual(expected);
  });

  it('renders as text, without the SDK, exactly what the SDK instruments rendered', async () => {
    expect(await scrapes(agentText())).toEqual(await scrapes(sdkInstruments()));
  });

  it('finds a pre-bound label set by identity and still checks it against the catalog', () => {
    const meter = createSeriesMeter(allowed);
    const counter = meter.counter(dependencyErrors);
    const bad = Object.freeze({ dependency: 'mysql', operation: 'query', error_type: 'timeout' });
    for (let i = 0; i < 2; i++)
      expect(() => {
        counter.add(1, bad as never);
      }).toThrow('is not declared');
  });

  it('reports nothing from an observable whose callback failed, and says it failed', async () => {
    const meter = createSeriesMeter(allowed);
    meter.observableGauge(heapSize, (report) => {
      report(1, { state: 'used' });
      throw new Error('heap unreadable');
    });
    meter.observableCounter(processCpu, (report) => {
      report(2, {});
    });
    const { families, errors } = await meter.collect();
    expect(errors).toEqual([new Error('heap unreadable')]);
    expect(families.map(({ def }) => def.name)).toEqual(['process_cpu_seconds_total']);
  });
});
