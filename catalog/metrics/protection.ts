import {
  authFailureReasons,
  rateLimitBackends,
  rateLimitDecisions,
  rateLimitPolicies,
  rejectionReasons,
} from '../labels.ts';
import { defineMetric } from '../types.ts';

export const rateLimitDecisionsTotal = defineMetric({
  name: 'aidb_rate_limit_decisions_total',
  kind: 'counter',
  unit: 'count',
  help: 'Rate-limit decisions, by policy, decision and the limiter that made it.',
  labels: {
    policy: { values: rateLimitPolicies },
    decision: { values: rateLimitDecisions },
    backend: { values: rateLimitBackends },
  },
  emitters: ['service'],
});

export const authFailures = defineMetric({
  name: 'aidb_auth_failures_total',
  kind: 'counter',
  unit: 'count',
  help: 'Requests refused by authentication or authorisation, by reason.',
  labels: { reason: { values: authFailureReasons } },
  emitters: ['service'],
});

export const validationRejections = defineMetric({
  name: 'aidb_validation_rejections_total',
  kind: 'counter',
  unit: 'count',
  help: 'Requests rejected as invalid input, by the problem reason code returned.',
  labels: { reason: { values: rejectionReasons } },
  emitters: ['service'],
});

export const protectionMetrics = [rateLimitDecisionsTotal, authFailures, validationRejections];
