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
  return {
    rejected: (reason) => {
      rejections.add(1, { reason });
    },
    authFailed: (reason) => {
      authFailuresCounter.add(1, { reason });
    },
    rateLimitDecided: ({ policy, allowed, backend }) => {
      rateLimitDecisions.add(1, { policy, decision: allowed ? 'allowed' : 'rejected', backend });
    },
  };
}
