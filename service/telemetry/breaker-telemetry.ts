import type { BreakerDependency, BreakerState } from '../../catalog/labels.ts';
import { breakerStates } from '../../catalog/labels.ts';
import { circuitBreakerState, circuitBreakerTransitions } from '../../catalog/metrics/health.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';

export interface BreakerStateNow {
  readonly dependency: BreakerDependency;
  readonly state: BreakerState;
}

/** The circuit breakers: their state at every scrape and each change of it. */
export interface BreakerTelemetry {
  /** A circuit breaker entered a state. */
  transition(dependency: BreakerDependency, state: BreakerState): void;
  /** Reports the breakers' states at every scrape. */
  observe(states: () => readonly BreakerStateNow[]): void;
}

export function createBreakerTelemetry(meter: CatalogMeter): BreakerTelemetry {
  const transitions = meter.counter(circuitBreakerTransitions);
  let statesNow: () => readonly BreakerStateNow[] = () => [];
  meter.observableGauge(circuitBreakerState, (report) => {
    // The state-set pattern: one series per state, 1 on the current one, so a panel can stack them.
    for (const { dependency, state } of statesNow()) {
      for (const each of breakerStates) report(each === state ? 1 : 0, { dependency, state: each });
    }
  });
  return {
    transition: (dependency, state) => {
      transitions.add(1, { dependency, state });
    },
    observe: (states) => {
      statesNow = states;
      transitions.zero({ dependency: states().map(({ dependency }) => dependency) });
    },
  };
}
