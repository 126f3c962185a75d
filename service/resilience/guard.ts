import { DependencyError } from '../dependencies/dependency-error.ts';
import { classifyError } from '../telemetry/error-type.ts';
import type { DependencyTelemetry } from '../telemetry/dependency-telemetry.ts';
import type { Breakers } from './breakers.ts';
import type { DependencyName } from '../../catalog/dependencies.ts';
import type { BreakerDependency, DependencyOperation } from '../../catalog/labels.ts';

/** Runs one call to a dependency: traced, timed, counted, and behind its breaker if it has one. */
export type DependencyCall = <T>(
  dependency: DependencyName,
  operation: DependencyOperation,
  call: () => Promise<T>,
) => Promise<T>;

const unavailable = new Set(['timeout', 'connection', 'server_error', 'invalid_response']);

/**
 * Failures that mean "the dependency is unavailable" become DependencyErrors (a 503 with
 * Retry-After); a refused request (bad SQL, a 4xx) stays what it is, since retrying won't help.
 */
function asDependencyError(dependency: DependencyName, error: unknown): unknown {
  if (error instanceof DependencyError) return error;
  const kind = classifyError(error);
  if (!unavailable.has(kind)) return error;
  return new DependencyError(dependency, kind as DependencyError['kind'], 'unavailable', {
    cause: error,
  });
}

export function createDependencyGuard(
  telemetry: DependencyTelemetry,
  breakers: Breakers,
  guarded: ReadonlySet<DependencyName>,
): DependencyCall {
  return (dependency, operation, call) =>
    telemetry.call(dependency, operation, async () => {
      try {
        return guarded.has(dependency)
          ? await breakers.run(dependency as BreakerDependency, call)
          : await call();
      } catch (error) {
        throw asDependencyError(dependency, error);
      }
    });
}
