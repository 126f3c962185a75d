import { trace } from '@opentelemetry/api';
import type { ServiceTelemetry } from './service-telemetry.ts';

/** Telemetry switched off (`AIDB_TELEMETRY=false`): every recording is a no-op. */
export function createNoopTelemetry(): ServiceTelemetry {
  const nothing = (): void => undefined;
  return {
    metrics: undefined,
    tracer: trace.getTracer('aidb-disabled'),
    dependency: (_dependency, _operation, call) => call(),
    documentsIngested: nothing,
    chunksEmbedded: nothing,
    embedded: nothing,
    searched: nothing,
    cacheLookup: nothing,
    rejected: nothing,
    authFailed: nothing,
    rateLimitDecided: nothing,
    breakerTransition: nothing,
    healthChecked: nothing,
    dependencyChecked: nothing,
    observeBreakers: nothing,
    collectedGarbage: nothing,
    tlsServing: nothing,
    tlsReloaded: nothing,
    shutdown: () => Promise.resolve(),
  };
}
