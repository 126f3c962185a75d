import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { DependencyName } from '../../catalog/dependencies.ts';
import type { DependencyOperation } from '../../catalog/labels.ts';
import {
  dependencyErrors,
  dependencyOperationDuration,
} from '../../catalog/metrics/dependencies.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { classifyError } from './error-type.ts';
import { labelSets2, labelSets3 } from './label-sets.ts';

/** Calls to PostgreSQL, Redis, Qdrant and the embeddings server. */
export interface DependencyTelemetry {
  /** Runs one call inside a client span, timing it and counting its failure. */
  call<T>(
    dependency: DependencyName,
    operation: DependencyOperation,
    run: () => Promise<T>,
  ): Promise<T>;
}

// OTel semantic conventions name the database system of a client span.
const systems: Readonly<Record<DependencyName, string>> = {
  postgres: 'postgresql',
  redis: 'redis',
  qdrant: 'qdrant',
  embeddings: 'embeddings',
};

export function createDependencyTelemetry(
  meter: CatalogMeter,
  tracer: Tracer,
): DependencyTelemetry {
  const duration = meter.histogram(dependencyOperationDuration);
  const errors = meter.counter(dependencyErrors);
  // The failures a healthy database rarely has exist from the first scrape, so their alerts
  // see 0 rather than nothing.
  errors.zero({
    dependency: ['postgres'],
    operation: ['query'],
    error_type: ['timeout', 'connection', 'other'],
  });
  // Recorded on every call: pre-bound.
  const durationLabels = labelSets2(
    (dependency: DependencyName, operation: DependencyOperation) => ({
      dependency,
      operation,
    }),
  );
  const errorLabels = labelSets3(
    (
      dependency: DependencyName,
      operation: DependencyOperation,
      error_type: ReturnType<typeof classifyError>,
    ) => ({ dependency, operation, error_type }),
  );
  return {
    async call(dependency, operation, run) {
      const started = performance.now();
      // Inside a trace the sampler did not keep, a child span would be dropped too (every
      // standard sampler decides once per trace): the call gets its metrics and no span work.
      const parent = trace.getActiveSpan();
      const span =
        parent !== undefined && !parent.isRecording()
          ? undefined
          : tracer.startSpan(`${dependency} ${operation}`, {
              kind: SpanKind.CLIENT,
              attributes: { 'db.system.name': systems[dependency], 'db.operation.name': operation },
            });
      // Without a tracer provider (nothing is exported) the span has no valid context: there is
      // nothing to make active for the call.
      const traced = span !== undefined && trace.isSpanContextValid(span.spanContext());
      try {
        // The call runs with its span active: outgoing requests carry it in `traceparent`.
        return await (traced ? context.with(trace.setSpan(context.active(), span), run) : run());
      } catch (error) {
        const error_type = classifyError(error);
        errors.add(1, errorLabels(dependency, operation, error_type));
        span?.setStatus({ code: SpanStatusCode.ERROR, message: error_type });
        span?.setAttribute('error.type', error_type);
        throw error;
      } finally {
        duration.record(
          (performance.now() - started) / 1000,
          durationLabels(dependency, operation),
        );
        span?.end();
      }
    },
  };
}
