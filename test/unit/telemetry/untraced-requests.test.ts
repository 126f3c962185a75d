import { trace, type Span } from '@opentelemetry/api';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../../../catalog/metrics.ts';
import { createSeriesMeter, type SeriesMeter } from '../../../lib/telemetry/series-meter.ts';
import { startTracing } from '../../../lib/telemetry/tracing.ts';
import { createDependencyTelemetry } from '../../../service/telemetry/dependency-telemetry.ts';
import { installHttpTelemetry } from '../../../service/telemetry/http-telemetry.ts';

// Tracing as the service sets it up when no OTLP endpoint is set: no tracer provider, the W3C
// propagators. Requests still get their metrics; a trace only exists where a caller started one.
const tracing = startTracing({ serviceName: 'aidb', serviceVersion: '0.0.0-test', env: {} });
afterAll(() => tracing.shutdown());

const tracer = trace.getTracer('aidb-test');
const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
const traceparent = `00-${callerTraceId}-b7ad6b7169203331-01`;

async function served(): Promise<{
  app: ReturnType<typeof Fastify>;
  meter: SeriesMeter;
  seen: (Span | undefined)[];
}> {
  const meter = createSeriesMeter(metricsOf('service'));
  const app = Fastify();
  const http = installHttpTelemetry(app, { meter, tracer });
  const seen: (Span | undefined)[] = [];
  app.get('/things/:id', (request) =>
    http.inRequestContext(request, () => {
      seen.push(trace.getActiveSpan());
      return Promise.resolve({ ok: true });
    }),
  );
  await app.ready();
  return { app, meter, seen };
}

async function series(meter: SeriesMeter, name: string) {
  const family = (await meter.collect()).families.find((f) => f.def.name === name);
  return family?.points ?? [];
}

describe('requests without a trace', () => {
  it('run the handler with no span and answer without x-trace-id, counted all the same', async () => {
    const { app, meter, seen } = await served();
    const response = await app.inject({ method: 'GET', url: '/things/1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-trace-id']).toBeUndefined();
    expect(seen).toEqual([undefined]);
    const durations = await series(meter, 'http_server_request_duration_seconds');
    expect(durations.map((point) => point.labels)).toEqual([
      { http_request_method: 'GET', http_route: '/things/:id', http_response_status_code: '200' },
    ]);
    const active = await series(meter, 'http_server_active_requests');
    expect(active.map((point) => ('value' in point ? point.value : undefined))).toEqual([0]);
  });

  it('continue the trace a caller started, so logs and the answer carry its id', async () => {
    const { app, seen } = await served();
    const response = await app.inject({
      method: 'GET',
      url: '/things/1',
      headers: { traceparent },
    });
    expect(response.headers['x-trace-id']).toBe(callerTraceId);
    expect(seen.map((span) => span?.spanContext().traceId)).toEqual([callerTraceId]);
  });
});

describe('dependency calls without a trace', () => {
  it('run with no span made active and are timed and counted', async () => {
    const meter = createSeriesMeter(metricsOf('service'));
    const telemetry = createDependencyTelemetry(meter, tracer);
    const active = await telemetry.call('postgres', 'query', () =>
      Promise.resolve(trace.getActiveSpan()),
    );
    expect(active).toBeUndefined();
    await expect(
      telemetry.call('redis', 'cache_get', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    const durations = await series(meter, 'aidb_dependency_operation_duration_seconds');
    expect(durations.map((point) => point.labels)).toEqual([
      { dependency: 'postgres', operation: 'query' },
      { dependency: 'redis', operation: 'cache_get' },
    ]);
    const errors = await series(meter, 'aidb_dependency_errors_total');
    expect(
      errors.filter((point) => 'value' in point && point.value > 0).map((p) => p.labels),
    ).toEqual([{ dependency: 'redis', operation: 'cache_get', error_type: 'other' }]);
  });
});
