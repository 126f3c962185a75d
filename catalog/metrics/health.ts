import { dependencyNames } from '../dependencies.ts';
import { breakerDependencies, breakerStates, checkTypes, healthStatuses } from '../labels.ts';
import { defineMetric } from '../types.ts';

const originalNames =
  'name used by the original service, kept so existing queries and dashboards keep working';

export const healthChecks = defineMetric({
  name: 'health_check_total',
  kind: 'counter',
  unit: 'count',
  help: 'Health checks answered, by probe kind and resulting status.',
  labels: {
    service: { values: ['aidb'] },
    check_type: { values: checkTypes },
    status: { values: healthStatuses },
  },
  emitters: ['service'],
  compatibility: originalNames,
});

export const healthCheckDuration = defineMetric({
  name: 'health_check_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Time to answer a health check, by probe kind.',
  labels: { service: { values: ['aidb'] }, check_type: { values: checkTypes } },
  emitters: ['service'],
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  compatibility: originalNames,
});

export const serviceHealthStatus = defineMetric({
  name: 'service_health_status',
  kind: 'gauge',
  unit: 'count',
  help: 'Result of the last health check of each kind: 1 healthy or degraded, 0 unhealthy.',
  labels: { service: { values: ['aidb'] }, check_type: { values: checkTypes } },
  emitters: ['service'],
  compatibility: originalNames,
  unconsumed:
    "The original service's per-process gauge of its last health answer. The agent's probes of the service's health routes already drive the probe dashboard and alerts, and the health-probe panels read health_check_total; an alert on this gauge would page twice for one cause.",
});

export const dependencyHealthStatus = defineMetric({
  name: 'dependency_health_status',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the service last found the dependency working: 1 up, 0 down.',
  labels: { dependency: { values: dependencyNames } },
  emitters: ['service'],
  compatibility: originalNames,
});

export const circuitBreakerState = defineMetric({
  name: 'aidb_circuit_breaker_state',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Circuit breaker state of a dependency: 1 on the series of the current state, 0 on the others.',
  labels: { dependency: { values: breakerDependencies }, state: { values: breakerStates } },
  emitters: ['service'],
});

export const circuitBreakerTransitions = defineMetric({
  name: 'aidb_circuit_breaker_transitions_total',
  kind: 'counter',
  unit: 'count',
  help: 'Circuit breaker state changes, by dependency and the state entered.',
  labels: { dependency: { values: breakerDependencies }, state: { values: breakerStates } },
  emitters: ['service'],
});

export const healthMetrics = [
  healthChecks,
  healthCheckDuration,
  serviceHealthStatus,
  dependencyHealthStatus,
  circuitBreakerState,
  circuitBreakerTransitions,
];
