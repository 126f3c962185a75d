import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../../catalog/metrics.ts';
import { dependencyErrors } from '../../../catalog/metrics/dependencies.ts';
import { httpDurationBuckets, httpServerRequestDuration } from '../../../catalog/metrics/http.ts';
import { documentsIngested, gcRuns } from '../../../catalog/metrics/knowledge.ts';
import { probeSuccess } from '../../../catalog/metrics/probes.ts';
import { labelCombinations } from '../../../lib/telemetry/catalog-meter.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { labelSets3 } from '../../../service/telemetry/label-sets.ts';

function serviceMetrics() {
  return createPrometheusMetrics({
    serviceName: 'aidb',
    serviceVersion: '0.0.0-test',
    metrics: metricsOf('service'),
    env: {},
  });
}

describe('catalog meter', () => {
  it('exports a counter under its catalog name with its labels', async () => {
    const metrics = serviceMetrics();
    metrics.meter
      .counter(dependencyErrors)
      .add(2, { dependency: 'postgres', operation: 'query', error_type: 'timeout' });
    const text = await metrics.render();
    expect(text).toContain('# TYPE aidb_dependency_errors_total counter');
    expect(text).toMatch(
      /^aidb_dependency_errors_total\{dependency="postgres",operation="query",error_type="timeout"\} 2$/m,
    );
  });

  it('puts no otel_scope_* label on any series: Prometheus users do not expect them', async () => {
    const metrics = serviceMetrics();
    metrics.meter
      .counter(dependencyErrors)
      .add(1, { dependency: 'redis', operation: 'cache_get', error_type: 'timeout' });
    metrics.meter.histogram(httpServerRequestDuration).record(0.2, {
      http_request_method: 'GET',
      http_route: '/v1/collections',
      http_response_status_code: '200',
    });
    const text = await metrics.render();
    expect(text).toContain('http_server_request_duration_seconds_bucket{');
    expect(text).not.toContain('otel_scope');
  });

  it('uses the catalog bucket bounds for histograms', async () => {
    const metrics = serviceMetrics();
    metrics.meter.histogram(httpServerRequestDuration).record(0.2, {
      http_request_method: 'GET',
      http_route: '/v1/collections',
      http_response_status_code: '200',
    });
    const text = await metrics.render();
    const bounds = [...text.matchAll(/le="([^"]+)"/g)].map((m) => m[1]);
    expect(bounds).toEqual([...httpDurationBuckets.map(String), '+Inf']);
  });

  it('refuses a label value outside the closed set', () => {
    const counter = serviceMetrics().meter.counter(dependencyErrors);
    expect(() => {
      counter.add(1, {
        // @ts-expect-error: mysql is not a declared dependency.
        dependency: 'mysql',
        operation: 'query',
        error_type: 'timeout',
      });
    }).toThrow('telemetry: aidb_dependency_errors_total{dependency="mysql"} is not declared');
  });

  it('refuses a frozen (pre-bound) label set outside the closed set every time it is used', () => {
    const counter = serviceMetrics().meter.counter(dependencyErrors);
    const bad = Object.freeze({ dependency: 'mysql', operation: 'query', error_type: 'timeout' });
    for (let i = 0; i < 2; i++)
      expect(() => {
        // @ts-expect-error: mysql is not a declared dependency.
        counter.add(1, bad);
      }).toThrow('is not declared');
  });

  it('counts on a pre-bound label set reused across recordings', async () => {
    const metrics = serviceMetrics();
    const labels = labelSets3((dependency: 'postgres', operation: 'query', error: 'timeout') => ({
      dependency,
      operation,
      error_type: error,
    }));
    const counter = metrics.meter.counter(dependencyErrors);
    for (let i = 0; i < 3; i++) counter.add(1, labels('postgres', 'query', 'timeout'));
    expect(labels('postgres', 'query', 'timeout')).toBe(labels('postgres', 'query', 'timeout'));
    expect(Object.isFrozen(labels('postgres', 'query', 'timeout'))).toBe(true);
    expect(await metrics.render()).toMatch(
      /^aidb_dependency_errors_total\{dependency="postgres",operation="query",error_type="timeout"\} 3$/m,
    );
  });

  it('refuses an entry another process emits', () => {
    // @ts-expect-error: probe_success is a gauge, and this is the counter factory.
    expect(() => serviceMetrics().meter.counter(probeSuccess)).toThrow(
      'telemetry: probe_success is not emitted by this process',
    );
  });

  it('refuses to create the same instrument twice', () => {
    const { meter } = serviceMetrics();
    meter.counter(documentsIngested);
    expect(() => meter.counter(documentsIngested)).toThrow(
      'telemetry: aidb_documents_ingested_total was already created',
    );
  });

  it('leaves command-line arguments out of target_info', async () => {
    const metrics = createPrometheusMetrics({
      serviceName: 'aidb',
      serviceVersion: '1.2.3',
      metrics: [],
      env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod%20eu' },
    });
    const text = await metrics.render();
    expect(text).toContain(
      'target_info{deployment_environment="prod eu",service_name="aidb",service_version="1.2.3"} 1',
    );
    expect(text).not.toContain('process_command');
  });

  it('zeroes every combination of declared label values, in declaration order', () => {
    expect(labelCombinations(gcRuns)).toEqual([
      { mode: 'dry_run', result: 'success' },
      { mode: 'dry_run', result: 'failure' },
      { mode: 'apply', result: 'success' },
      { mode: 'apply', result: 'failure' },
    ]);
    expect(labelCombinations(documentsIngested)).toEqual([{}]);
  });

  it('zeroes only the values asked for where `only` names a label', async () => {
    const metrics = serviceMetrics();
    metrics.meter.counter(dependencyErrors).zero({
      dependency: ['postgres'],
      operation: ['query'],
      error_type: ['timeout', 'other'],
    });
    const series = (await metrics.render())
      .split('\n')
      .filter((line) => line.startsWith('aidb_dependency_errors_total{'));
    expect(series).toEqual([
      'aidb_dependency_errors_total{dependency="postgres",operation="query",error_type="timeout"} 0',
      'aidb_dependency_errors_total{dependency="postgres",operation="query",error_type="other"} 0',
    ]);
  });

  it('refuses to zero a label whose values are bounded elsewhere unless told which', () => {
    expect(() => labelCombinations(httpServerRequestDuration)).toThrow(
      'telemetry: http_server_request_duration_seconds label http_route has no declared values to zero',
    );
    expect(
      labelCombinations(httpServerRequestDuration, {
        http_request_method: ['GET'],
        http_route: ['/v1/embed'],
        http_response_status_code: ['200'],
      }),
    ).toEqual([
      { http_request_method: 'GET', http_route: '/v1/embed', http_response_status_code: '200' },
    ]);
  });
});
