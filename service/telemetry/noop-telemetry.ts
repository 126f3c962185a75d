import { trace } from '@opentelemetry/api';
import type { ServiceTelemetry } from './service-telemetry.ts';

/** Telemetry switched off (`AIDB_TELEMETRY=false`): every recording is a no-op. */
export function createNoopTelemetry(): ServiceTelemetry {
  const nothing = (): void => undefined;
  return {
    metrics: undefined,
    tracer: trace.getTracer('aidb-disabled'),
    dependencies: { call: (_dependency, _operation, run) => run() },
    knowledge: {
      documentsIngested: nothing,
      chunksEmbedded: nothing,
      searched: nothing,
      cacheLookup: nothing,
      collectedGarbage: nothing,
    },
    embeddings: { embedded: nothing },
    health: { healthChecked: nothing, dependencyChecked: nothing },
    breakers: { transition: nothing, observe: nothing },
    protection: { rejected: nothing, authFailed: nothing, rateLimitDecided: nothing },
    tls: { serving: nothing, reloaded: nothing },
    shutdown: () => Promise.resolve(),
  };
}
