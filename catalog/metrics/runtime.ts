import { defineMetric } from '../types.ts';

// Declared here rather than taken from an instrumentation package, whose names carry no unit
// suffix; both the service and the agent export them.

export const processStartTime = defineMetric({
  name: 'process_start_time_seconds',
  kind: 'observable_gauge',
  unit: 'timestamp',
  help: 'Start time of the process since the Unix epoch; a change marks a restart or deploy.',
  labels: {},
  emitters: ['service', 'agent'],
});

export const processCpu = defineMetric({
  name: 'process_cpu_seconds_total',
  kind: 'observable_counter',
  unit: 'seconds',
  help: 'CPU time used by the process, user and system.',
  labels: {},
  emitters: ['service', 'agent'],
});

export const processResidentMemory = defineMetric({
  name: 'process_resident_memory_bytes',
  kind: 'observable_gauge',
  unit: 'bytes',
  help: 'Resident set size of the process.',
  labels: {},
  emitters: ['service', 'agent'],
});

export const eventLoopDelay = defineMetric({
  name: 'nodejs_eventloop_delay_seconds',
  kind: 'observable_gauge',
  unit: 'seconds',
  help: 'Event-loop delay over the last collection interval, by statistic.',
  labels: { stat: { values: ['p50', 'p90', 'p99', 'max'] } },
  emitters: ['service', 'agent'],
});

export const heapSize = defineMetric({
  name: 'nodejs_heap_size_bytes',
  kind: 'observable_gauge',
  unit: 'bytes',
  help: 'V8 heap: used, total allocated, and the limit.',
  labels: { state: { values: ['used', 'total', 'limit'] } },
  emitters: ['service', 'agent'],
});

export const gcDuration = defineMetric({
  name: 'nodejs_gc_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Garbage-collection pauses of V8, by kind.',
  labels: { kind: { values: ['major', 'minor', 'incremental', 'weakcb'] } },
  emitters: ['service', 'agent'],
  buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
});

export const buildInfo = defineMetric({
  name: 'aidb_build_info',
  kind: 'observable_gauge',
  unit: 'info',
  help: 'Always 1; the labels tell the running version and Node.js version.',
  labels: { version: { boundedBy: 'buildVersion' }, nodejs_version: { boundedBy: 'buildVersion' } },
  emitters: ['service', 'agent'],
});

export const targetInfo = defineMetric({
  name: 'target_info',
  kind: 'gauge',
  unit: 'info',
  help: 'Always 1; the OpenTelemetry resource of the process as labels (service name and version, plus any OTEL_RESOURCE_ATTRIBUTES).',
  labels: {
    service_name: { boundedBy: 'resourceAttributes' },
    service_version: { boundedBy: 'buildVersion' },
  },
  emitters: ['service', 'agent'],
  fromResource: true,
  unconsumed:
    'The OpenTelemetry resource, for joins (`… * on (job, instance) group_left (service_version) target_info`); nothing to show or alert on by itself.',
});

export const runtimeMetrics = [
  processStartTime,
  processCpu,
  processResidentMemory,
  eventLoopDelay,
  heapSize,
  gcDuration,
  buildInfo,
  targetInfo,
];
