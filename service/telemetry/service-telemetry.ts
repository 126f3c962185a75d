import { trace, type Tracer } from '@opentelemetry/api';
import { metricsOf } from '../../catalog/metrics.ts';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../lib/telemetry/prometheus.ts';
import { registerRuntimeMetrics } from '../../lib/telemetry/runtime.ts';
import { createBreakerTelemetry, type BreakerTelemetry } from './breaker-telemetry.ts';
import { createDependencyTelemetry, type DependencyTelemetry } from './dependency-telemetry.ts';
import { createEmbeddingTelemetry, type EmbeddingTelemetry } from './embedding-telemetry.ts';
import { createHealthTelemetry, type HealthTelemetry } from './health-telemetry.ts';
import { createKnowledgeTelemetry, type KnowledgeTelemetry } from './knowledge-telemetry.ts';
import { createProtectionTelemetry, type ProtectionTelemetry } from './protection-telemetry.ts';
import { createTlsTelemetry, type TlsTelemetry } from './tls-telemetry.ts';

/**
 * Everything the service records, one recorder per concern: each part of the service is handed
 * only its own (the guard the dependency recorder, health the health recorder…).
 */
export interface ServiceTelemetry {
  /** The exposition behind `/metrics`; undefined when telemetry is switched off. */
  readonly metrics: PrometheusMetrics | undefined;
  readonly tracer: Tracer;
  readonly dependencies: DependencyTelemetry;
  readonly knowledge: KnowledgeTelemetry;
  readonly embeddings: EmbeddingTelemetry;
  readonly health: HealthTelemetry;
  readonly breakers: BreakerTelemetry;
  readonly protection: ProtectionTelemetry;
  readonly tls: TlsTelemetry;
  shutdown(): Promise<void>;
}

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
  return {
    metrics,
    tracer,
    dependencies: createDependencyTelemetry(meter, tracer),
    knowledge: createKnowledgeTelemetry(meter),
    embeddings: createEmbeddingTelemetry(meter),
    health: createHealthTelemetry(meter),
    breakers: createBreakerTelemetry(meter),
    protection: createProtectionTelemetry(meter),
    tls: createTlsTelemetry(meter),
    async shutdown() {
      runtime.stop();
      await metrics.shutdown();
    },
  };
}
