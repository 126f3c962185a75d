import type { Config } from '../../config/schema.ts';
import { version } from '../../lib/version.ts';
import type { Health } from '../health/health.ts';
import { routeTable } from './index.ts';
import type { RouteDef } from '../http/route.ts';

function notServing(): never {
  throw new Error('routes: this route table only describes the API; nothing serves it');
}

const inertHealth: Health = {
  live: notServing,
  ready: notServing,
  startup: notServing,
  detailed: notServing,
  drain: notServing,
  draining: false,
  dependencies: notServing,
};

/**
 * The route table the service would serve with this configuration, with no process behind it:
 * what the API reference and the Kubernetes manifests' tests read. Handlers must not be called.
 */
export function describedRoutes(config: Config): RouteDef[] {
  return routeTable({
    defaultCollection: config.service.defaultCollection,
    version,
    metrics: config.service.telemetry ? { render: notServing } : undefined,
    health: inertHealth,
    retryAfterSeconds: 1,
  });
}
