import type { PrometheusMetrics } from '../../lib/telemetry/prometheus.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { adminRoutes } from './admin.ts';
import { collectionRoutes } from './collections.ts';
import { compatRoutes } from './compat.ts';
import { documentRoutes } from './documents.ts';
import type { Health } from '../health/health.ts';
import { healthRoutes } from './health.ts';
import { metricsRoute } from './metrics.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { searchRoutes } from './search.ts';

export interface RouteTableOptions {
  readonly defaultCollection: string;
  readonly version: string;
  /** The service's metrics; `/metrics` exists only when telemetry is on. */
  readonly metrics?: Pick<PrometheusMetrics, 'render'> | undefined;
  readonly health: Health;
  readonly retryAfterSeconds: number;
}

/** Every route the service serves, in one table. */
export function routeTable(options: RouteTableOptions): RouteDef[] {
  const routes: RouteDef[] = [
    ...collectionRoutes,
    ...documentRoutes,
    ...searchRoutes,
    ...adminRoutes,
    ...compatRoutes(options.defaultCollection),
    ...(options.metrics === undefined ? [] : [metricsRoute(options.metrics)]),
    ...healthRoutes(options.health, options.retryAfterSeconds),
  ];
  let document: unknown;
  routes.push(
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openApi',
      summary: 'This API description (OpenAPI 3.1)',
      tag: 'meta',
      scope: 'public',
      dependencies: 'none',
      responses: { 200: { description: 'The OpenAPI document' } },
      handler() {
        document ??= buildOpenApi(routes, options.version);
        return Promise.resolve({ status: 200, body: document });
      },
    }),
  );
  return routes;
}
