import { healthReport, legacyHealth, type HealthReport } from '../api/health.ts';
import type { Health } from '../health/health.ts';
import { healthPaths, probeSpecs } from '../api/probes.ts';
import { defineRoute, type RouteDef, type RouteResponse } from '../http/route.ts';

// Probe answers must never come from a cache between Kubernetes and the service.
const noStore = { 'cache-control': 'no-store' };

function answer(report: HealthReport, retryAfterSeconds: number): RouteResponse {
  const unhealthy = report.status === 'unhealthy';
  return {
    status: unhealthy ? 503 : 200,
    body: report,
    headers: unhealthy ? { ...noStore, 'retry-after': String(retryAfterSeconds) } : noStore,
  };
}

// The words of the other health endpoints (`healthy`, `closed`), not the original's `ok`/`CLOSED`.
const legacyValue = (status: string, error: string | null): string =>
  status === 'healthy' ? 'healthy' : `unavailable: ${error ?? 'unknown'}`;

/** The probes, the detailed view (admin), and the original service's composite `/health`. */
export function healthRoutes(health: Health, retryAfterSeconds: number): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      path: probeSpecs.liveness.path,
      operationId: 'liveness',
      limit: 'exempt',
      summary: 'Liveness: the process and its event loop respond (no dependency is checked)',
      tag: 'health',
      scope: 'public',
      dependencies: 'none',
      responses: {
        200: { description: 'Alive', schema: healthReport },
        503: { description: 'The event loop stalled', schema: healthReport },
      },
      handler: () => Promise.resolve(answer(health.live(), retryAfterSeconds)),
    }),
    defineRoute({
      method: 'GET',
      path: probeSpecs.readiness.path,
      operationId: 'readiness',
      limit: 'exempt',
      summary: 'Readiness: every critical dependency answers; degraded when only Redis fails',
      tag: 'health',
      scope: 'public',
      dependencies: 'none',
      responses: {
        200: { description: 'Ready (healthy or degraded)', schema: healthReport },
        503: {
          description: 'Not ready: starting, a critical dependency fails, or shutting down',
          schema: healthReport,
        },
      },
      handler: async () => answer(await health.ready(), retryAfterSeconds),
    }),
    defineRoute({
      method: 'GET',
      path: probeSpecs.startup.path,
      operationId: 'startup',
      limit: 'exempt',
      summary: 'Startup: migrations ran and every critical dependency answered once',
      tag: 'health',
      scope: 'public',
      dependencies: 'none',
      responses: {
        200: { description: 'Started', schema: healthReport },
        503: { description: 'Still starting; `details.starting` says why', schema: healthReport },
      },
      handler: async () => answer(await health.startup(), retryAfterSeconds),
    }),
    defineRoute({
      method: 'GET',
      path: healthPaths.detailed,
      operationId: 'healthDetailed',
      summary: 'Every dependency checked now: status, latency, breaker, index, version, uptime',
      tag: 'health',
      scope: 'admin',
      dependencies: 'none',
      responses: {
        200: { description: 'Report', schema: healthReport },
        503: { description: 'Starting, or a critical dependency fails', schema: healthReport },
      },
      handler: async () => answer(await health.detailed(), retryAfterSeconds),
    }),
    defineRoute({
      method: 'GET',
      path: healthPaths.legacy,
      operationId: 'healthLegacy',
      summary: "The original service's composite health, with values that can now be false",
      tag: 'health',
      scope: 'public',
      dependencies: 'none',
      responses: {
        200: { description: 'Composite status', schema: legacyHealth },
        503: { description: 'Starting, or a critical dependency fails', schema: legacyHealth },
      },
      async handler() {
        const report = await health.detailed();
        const details = report.details as {
          dependencies: { name: string; status: string; error: string | null }[];
          vector_index: string;
          circuit_breakers: Record<string, string>;
          starting?: string;
        };
        const of = (name: string): string => {
          const result = details.dependencies.find((d) => d.name === name);
          return result === undefined ? 'not configured' : legacyValue(result.status, result.error);
        };
        const body = {
          status: report.status,
          database:
            details.starting === undefined ? of('postgres') : `unavailable: ${details.starting}`,
          redis: of('redis'),
          qdrant: of('qdrant'),
          embeddings: of('embeddings'),
          pgvector: details.vector_index === 'pgvector' ? of('postgres') : 'not used',
          circuit_breakers: details.circuit_breakers,
        };
        return { status: report.status === 'unhealthy' ? 503 : 200, body, headers: noStore };
      },
    }),
  ];
}
