import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { DependencyName } from '../../catalog/dependencies.ts';
import type {
  AuthFailureReason,
  BreakerDependency,
  BreakerState,
  CacheName,
  CheckType,
  DependencyErrorType,
  DependencyOperation,
  EmbedderBackend,
  HealthStatus,
  RateLimitBackend,
  RateLimitPolicy,
  RejectionReason,
  VectorIndexKind,
} from '../../catalog/labels.ts';
import {
  authFailureReasons,
  breakerStates,
  checkTypes,
  healthStatuses,
  rateLimitPolicies,
  rejectionReasons,
} from '../../catalog/labels.ts';
import {
  circuitBreakerState,
  circuitBreakerTransitions,
  dependencyHealthStatus,
  healthCheckDuration,
  healthChecks,
  serviceHealthStatus,
} from '../../catalog/metrics/health.ts';
import { tlsCertificateNotAfter, tlsReloads } from '../../catalog/metrics/certificates.ts';
import {
  authFailures,
  rateLimitDecisionsTotal,
  validationRejections,
} from '../../catalog/metrics/protection.ts';
import { metricsOf } from '../../catalog/metrics.ts';
import {
  dependencyErrors,
  dependencyOperationDuration,
} from '../../catalog/metrics/dependencies.ts';
import {
  cacheRequests,
  chunksEmbedded,
  documentsIngested,
  embeddingBatchSize,
  embeddingDuration,
  gcDeleted,
  gcRuns,
  searchDuration,
  searchResults,
} from '../../catalog/metrics/knowledge.ts';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../lib/telemetry/prometheus.ts';
import { registerRuntimeMetrics } from '../../lib/telemetry/runtime.ts';
import { classifyError } from './error-type.ts';

/** Everything the service records, behind names that say what happened. */
export interface ServiceTelemetry {
  /** The exposition behind `/metrics`; undefined when telemetry is switched off. */
  readonly metrics: PrometheusMetrics | undefined;
  readonly tracer: Tracer;
  /** Runs one call to a dependency inside a client span, timing it and counting its failure. */
  dependency<T>(
    dependency: DependencyName,
    operation: DependencyOperation,
    call: () => Promise<T>,
  ): Promise<T>;
  documentsIngested(count: number): void;
  chunksEmbedded(count: number): void;
  embedded(backend: EmbedderBackend, seconds: number, batch: number): void;
  searched(index: VectorIndexKind, mode: 'text' | 'vector', seconds: number, results: number): void;
  cacheLookup(cache: CacheName, hit: boolean): void;
  /** A health check of a kind answered with a status after `seconds`. */
  healthChecked(checkType: CheckType, status: HealthStatus, seconds: number): void;
  /** The last check of a dependency found it up or down. */
  dependencyChecked(dependency: DependencyName, up: boolean): void;
  /** A circuit breaker entered a state. */
  breakerTransition(dependency: BreakerDependency, state: BreakerState): void;
  /** Reports breaker states at every scrape. */
  observeBreakers(
    states: () => readonly {
      dependency: BreakerDependency;
      state: BreakerState;
    }[],
  ): void;
  /** A request refused as invalid input, by the problem code it got. */
  rejected(reason: RejectionReason): void;
  authFailed(reason: AuthFailureReason): void;
  rateLimitDecided(decision: {
    readonly policy: RateLimitPolicy;
    readonly allowed: boolean;
    readonly backend: RateLimitBackend;
  }): void;
  collectedGarbage(
    dryRun: boolean,
    ok: boolean,
    deleted: { document: number; qdrant_point: number },
  ): void;
  /** The certificate now served over HTTPS expires at `notAfterSeconds`. */
  tlsServing(notAfterSeconds: number): void;
  /** A change of the certificate files was swapped in (ok) or refused, keeping the old one. */
  tlsReloaded(ok: boolean): void;
  shutdown(): Promise<void>;
}

// OTel semantic conventions name the database system of a client span.
const systems: Readonly<Record<DependencyName, string>> = {
  postgres: 'postgresql',
  redis: 'redis',
  qdrant: 'qdrant',
  embeddings: 'embeddings',
};

export interface ServiceTelemetryOptions {
  readonly version: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function createServiceTelemetry(options: ServiceTelemetryOptions): ServiceTelemetry {
  const metrics = createPrometheusMetrics({
    serviceName: 'aidb',
    serviceVersion: options.version,
    metrics: metricsOf('service'),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const { meter } = metrics;
  const runtime = registerRuntimeMetrics(meter, { version: options.version });
  const tracer = trace.getTracer('aidb', options.version);
  const duration = meter.histogram(dependencyOperationDuration);
  const errors = meter.counter(dependencyErrors);
  const ingested = meter.counter(documentsIngested);
  const embeddedChunks = meter.counter(chunksEmbedded);
  const embedding = meter.histogram(embeddingDuration);
  const batchSize = meter.histogram(embeddingBatchSize);
  const search = meter.histogram(searchDuration);
  const results = meter.histogram(searchResults);
  const cache = meter.counter(cacheRequests);
  const gc = meter.counter(gcRuns);
  const gcDeletions = meter.counter(gcDeleted);
  const rejections = meter.counter(validationRejections);
  const authFailuresCounter = meter.counter(authFailures);
  const rateLimitDecisions = meter.counter(rateLimitDecisionsTotal);
  const transitions = meter.counter(circuitBreakerTransitions);
  const checks = meter.counter(healthChecks);
  const checkDuration = meter.histogram(healthCheckDuration);
  const serviceStatus = meter.gauge(serviceHealthStatus);
  const dependencyStatus = meter.gauge(dependencyHealthStatus);
  const tlsNotAfter = meter.gauge(tlsCertificateNotAfter);
  const reloads = meter.counter(tlsReloads);
  for (const check_type of checkTypes) {
    for (const status of healthStatuses) checks.add(0, { service: 'aidb', check_type, status });
  }
  let breakerStatesNow: () => readonly {
    dependency: BreakerDependency;
    state: BreakerState;
  }[] = () => [];
  meter.observableGauge(circuitBreakerState, (report) => {
    // The state-set pattern: one series per state, 1 on the current one, so a panel can stack them.
    for (const { dependency, state } of breakerStatesNow()) {
      for (const each of breakerStates) report(each === state ? 1 : 0, { dependency, state: each });
    }
  });
  for (const reason of rejectionReasons) rejections.add(0, { reason });
  for (const reason of authFailureReasons) authFailuresCounter.add(0, { reason });
  for (const policy of rateLimitPolicies) {
    rateLimitDecisions.add(0, { policy, decision: 'rejected', backend: 'redis' });
    rateLimitDecisions.add(0, { policy, decision: 'rejected', backend: 'memory' });
  }

  // Counters a healthy service rarely moves exist from the first scrape, so rate() and alerts
  // see 0 rather than nothing.
  ingested.add(0, {});
  embeddedChunks.add(0, {});
  for (const mode of ['dry_run', 'apply'] as const) {
    for (const result of ['success', 'failure'] as const) gc.add(0, { mode, result });
  }
  for (const kind of ['document', 'qdrant_point'] as const) gcDeletions.add(0, { kind });
  const zeroErrors = (
    dependency: DependencyName,
    operations: readonly DependencyOperation[],
  ): void => {
    for (const operation of operations) {
      for (const error_type of [
        'timeout',
        'connection',
        'other',
      ] as const satisfies readonly DependencyErrorType[]) {
        errors.add(0, { dependency, operation, error_type });
      }
    }
  };
  zeroErrors('postgres', ['query']);

  return {
    metrics,
    tracer,
    async dependency(dependency, operation, call) {
      const span = tracer.startSpan(`${dependency} ${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': systems[dependency], 'db.operation.name': operation },
      });
      const started = performance.now();
      try {
        // The call runs with its span active: outgoing requests carry it in `traceparent`.
        return await context.with(trace.setSpan(context.active(), span), call);
      } catch (error) {
        const error_type = classifyError(error);
        errors.add(1, { dependency, operation, error_type });
        span.setStatus({ code: SpanStatusCode.ERROR, message: error_type });
        span.setAttribute('error.type', error_type);
        throw error;
      } finally {
        duration.record((performance.now() - started) / 1000, { dependency, operation });
        span.end();
      }
    },
    documentsIngested: (count) => {
      ingested.add(count, {});
    },
    chunksEmbedded: (count) => {
      embeddedChunks.add(count, {});
    },
    embedded: (backend, seconds, batch) => {
      embedding.record(seconds, { backend });
      batchSize.record(batch, { backend });
    },
    searched: (index, mode, seconds, count) => {
      search.record(seconds, { index, mode });
      results.record(count, { index });
    },
    healthChecked: (check_type, status, seconds) => {
      checks.add(1, { service: 'aidb', check_type, status });
      checkDuration.record(seconds, { service: 'aidb', check_type });
      serviceStatus.record(status === 'unhealthy' ? 0 : 1, { service: 'aidb', check_type });
    },
    dependencyChecked: (dependency, up) => {
      dependencyStatus.record(up ? 1 : 0, { dependency });
    },
    breakerTransition: (dependency, state) => {
      transitions.add(1, { dependency, state });
    },
    observeBreakers: (states) => {
      breakerStatesNow = states;
      for (const { dependency } of states()) {
        for (const state of breakerStates) transitions.add(0, { dependency, state });
      }
    },
    rejected: (reason) => {
      rejections.add(1, { reason });
    },
    authFailed: (reason) => {
      authFailuresCounter.add(1, { reason });
    },
    rateLimitDecided: ({ policy, allowed, backend }) => {
      rateLimitDecisions.add(1, { policy, decision: allowed ? 'allowed' : 'rejected', backend });
    },
    cacheLookup: (name, hit) => {
      cache.add(1, { cache: name, result: hit ? 'hit' : 'miss' });
    },
    collectedGarbage: (dryRun, ok, deleted) => {
      gc.add(1, { mode: dryRun ? 'dry_run' : 'apply', result: ok ? 'success' : 'failure' });
      for (const [kind, count] of Object.entries(deleted) as [keyof typeof deleted, number][])
        gcDeletions.add(count, { kind });
    },
    tlsServing: (notAfterSeconds) => {
      tlsNotAfter.record(notAfterSeconds, {});
      // Only an HTTPS service has reloads; from then on both results exist, failures as 0.
      for (const result of ['success', 'failure'] as const) reloads.add(0, { result });
    },
    tlsReloaded: (ok) => {
      reloads.add(1, { result: ok ? 'success' : 'failure' });
    },
    async shutdown() {
      runtime.stop();
      await metrics.shutdown();
    },
  };
}
