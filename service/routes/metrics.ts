import { prometheusContentType } from '../../lib/telemetry/content-type.ts';
import type { PrometheusMetrics } from '../../lib/telemetry/prometheus.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';

/** Prometheus exposition of every catalog metric the service emits. */
export function metricsRoute(metrics: Pick<PrometheusMetrics, 'render'>): RouteDef {
  return defineRoute({
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Metrics in Prometheus text format',
    tag: 'meta',
    scope: 'read',
    keyAlways: true,
    dependencies: 'none',
    responses: {
      200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain' },
    },
    async handler() {
      return {
        status: 200,
        body: await metrics.render(),
        headers: { 'content-type': prometheusContentType },
      };
    },
  });
}
