import { dependencyNames } from '../dependencies.ts';
import { dependencyErrorTypes, dependencyOperations } from '../labels.ts';
import { defineMetric } from '../types.ts';

/** Client-side call latency; dependencies answer in milliseconds, timeouts are seconds. */
export const dependencyDurationBuckets = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export const dependencyOperationDuration = defineMetric({
  name: 'aidb_dependency_operation_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Duration of calls from the service to a dependency, failed calls included.',
  labels: {
    dependency: { values: dependencyNames },
    operation: { values: dependencyOperations },
  },
  emitters: ['service'],
  buckets: dependencyDurationBuckets,
});

export const dependencyErrors = defineMetric({
  name: 'aidb_dependency_errors_total',
  kind: 'counter',
  unit: 'count',
  help: 'Failed calls from the service to a dependency, by error type.',
  labels: {
    dependency: { values: dependencyNames },
    operation: { values: dependencyOperations },
    error_type: { values: dependencyErrorTypes },
  },
  emitters: ['service'],
});

export const postgresPoolConnections = defineMetric({
  name: 'aidb_postgres_pool_connections',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'PostgreSQL pool connections by state; `waiting` counts callers queued for one.',
  labels: { state: { values: ['idle', 'used', 'waiting'] } },
  emitters: ['service'],
});

export const postgresPoolMax = defineMetric({
  name: 'aidb_postgres_pool_max_connections',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Most connections the PostgreSQL pool may open.',
  labels: {},
  emitters: ['service'],
});

export const dependencyClientMetrics = [
  dependencyOperationDuration,
  dependencyErrors,
  postgresPoolConnections,
  postgresPoolMax,
];
