import type {
  AuthFailureReason,
  RateLimitBackend,
  RateLimitPolicy,
  RejectionReason,
} from '../../catalog/labels.ts';
import {
  authFailures,
  rateLimitDecisionsTotal,
  validationRejections,
} from '../../catalog/metrics/protection.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { labelSets3 } from './label-sets.ts';

/** What the service refused: invalid input, failed authentication, rate limits. */
export interface ProtectionTelemetry {
  /** A request refused as invalid input, by the problem code it got. */
  rejected(reason: RejectionReason): void;
  authFailed(reason: AuthFailureReason): void;
  rateLimitDecided(decision: {
    readonly policy: RateLimitPolicy;
    readonly allowed: boolean;
    readonly backend: RateLimitBackend;
  }): void;
}

export function createProtectionTelemetry(meter: CatalogMeter): ProtectionTelemetry {
  const rejections = meter.counter(validationRejections);
  const authFailuresCounter = meter.counter(authFailures);
  const rateLimitDecisions = meter.counter(rateLimitDecisionsTotal);
  rejections.zero();
  authFailuresCounter.zero();
  rateLimitDecisions.zero({ decision: ['rejected'], backend: ['redis', 'memory'] });
  // Recorded on every limited request: pre-bound.
  const decisionLabels = labelSets3(
    (policy: RateLimitPolicy, allowed: boolean, backend: RateLimitBackend) => ({
      policy,
      decision: allowed ? ('allowed' as const) : ('rejected' as const),
      backend,
    }),
  );
  return {
    rejected: (reason) => {
      rejections.add(1, { reason });
    },
    authFailed: (reason) => {
      authFailuresCounter.add(1, { reason });
    },
    rateLimitDecided: ({ policy, allowed, backend }) => {
      rateLimitDecisions.add(1, decisionLabels(policy, allowed, backend));
    },
  };
}
