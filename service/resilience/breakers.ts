import CircuitBreaker from 'opossum';
import type { BreakerDependency, BreakerState } from '../../catalog/labels.ts';
import { DependencyError } from '../dependencies/dependency-error.ts';
import { classifyError } from '../telemetry/error-type.ts';

export interface BreakerSettings {
  readonly volumeThreshold: number;
  readonly errorPercentage: number;
  readonly windowMs: number;
  readonly resetMs: number;
}

export interface Breakers {
  /** The dependencies that have a breaker in this process. */
  readonly dependencies: readonly BreakerDependency[];
  /** Runs a call through the dependency's breaker; an open breaker fails it at once. */
  run<T>(dependency: BreakerDependency, call: () => Promise<T>): Promise<T>;
  state(dependency: BreakerDependency): BreakerState;
  shutdown(): void;
}

/**
 * Only failures that say "the dependency is unwell" trip a breaker: a request the dependency
 * refused (bad SQL, a 4xx) says nothing about its health and must not cut everyone off.
 */
function isOutage(error: unknown): boolean {
  return ['timeout', 'connection', 'server_error', 'invalid_response'].includes(
    classifyError(error),
  );
}

function stateOf(breaker: CircuitBreaker): BreakerState {
  if (breaker.opened) return 'open';
  return breaker.halfOpen ? 'half_open' : 'closed';
}

/** One opossum breaker per guarded dependency; transitions are reported as they happen. */
export function createBreakers(
  dependencies: readonly BreakerDependency[],
  settings: BreakerSettings,
  onTransition: (dependency: BreakerDependency, state: BreakerState) => void,
): Breakers {
  const breakers = new Map<
    BreakerDependency,
    { breaker: CircuitBreaker<[() => Promise<unknown>]>; openedAt: number }
  >();
  for (const dependency of dependencies) {
    const breaker = new CircuitBreaker<[() => Promise<unknown>]>((call) => call(), {
      // Every call has its own timeout already; the breaker only counts outcomes.
      timeout: false,
      volumeThreshold: settings.volumeThreshold,
      errorThresholdPercentage: settings.errorPercentage,
      rollingCountTimeout: settings.windowMs,
      resetTimeout: settings.resetMs,
      errorFilter: (error: unknown) => !isOutage(error),
    });
    const entry = { breaker, openedAt: 0 };
    breaker.on('open', () => {
      entry.openedAt = Date.now();
      onTransition(dependency, 'open');
    });
    breaker.on('halfOpen', () => {
      onTransition(dependency, 'half_open');
    });
    breaker.on('close', () => {
      onTransition(dependency, 'closed');
    });
    breakers.set(dependency, entry);
  }
  const entryOf = (dependency: BreakerDependency) => {
    const entry = breakers.get(dependency);
    if (entry === undefined) throw new RangeError(`resilience: no breaker for ${dependency}`);
    return entry;
  };
  return {
    dependencies,
    async run<T>(dependency: BreakerDependency, call: () => Promise<T>): Promise<T> {
      const entry = entryOf(dependency);
      try {
        return (await entry.breaker.fire(call)) as T;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EOPENBREAKER') throw error;
        const failure = new DependencyError(dependency, 'circuit_open', 'circuit breaker is open', {
          cause: error,
        });
        const remainingMs = entry.openedAt + settings.resetMs - Date.now();
        failure.retryAfterSeconds = Math.max(1, Math.ceil(remainingMs / 1000));
        throw failure;
      }
    },
    state: (dependency) => stateOf(entryOf(dependency).breaker),
    shutdown() {
      for (const { breaker } of breakers.values()) breaker.shutdown();
    },
  };
}
