import { defineMetric, type MetricDef } from './types.ts';

/** HTTP methods the API routes accept; anything else is recorded as `_OTHER` (OTel semconv). */
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', '_OTHER'] as const;

/**
 * Bucket bounds of the request-duration histogram, in seconds. They bracket the latency SLO
 * bound (0.25 s, `slos.ts`) closely so the SLI is read off an exact bucket.
 */
export const httpDurationBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** Probe kinds of the agent; its probe registry is typed against this list. */
export const probeKinds = ['http', 'tcp', 'tls', 'postgres', 'redis', 'qdrant'] as const;

export const httpServerRequestDuration = defineMetric({
  name: 'http_server_request_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Duration of HTTP server requests, by method, route template and status code.',
  labels: {
    http_request_method: { values: httpMethods },
    http_route: { boundedBy: 'routeTemplate' },
    http_response_status_code: { boundedBy: 'httpStatusCode' },
  },
  emitter: 'service',
  buckets: httpDurationBuckets,
});

export const httpServerActiveRequests = defineMetric({
  name: 'http_server_active_requests',
  kind: 'updown_counter',
  unit: 'count',
  help: 'HTTP requests being served right now.',
  labels: {},
  emitter: 'service',
});

export const documentsIngested = defineMetric({
  name: 'aidb_documents_ingested_total',
  kind: 'counter',
  unit: 'count',
  help: 'Documents written by ingest requests.',
  labels: {},
  emitter: 'service',
});

export const probeSuccess = defineMetric({
  name: 'probe_success',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the last probe of the target succeeded (1) or failed (0).',
  labels: {
    target: { boundedBy: 'configuredTarget' },
    probe: { values: probeKinds },
  },
  emitter: 'agent',
});

export const probeDuration = defineMetric({
  name: 'probe_duration_seconds',
  kind: 'gauge',
  unit: 'seconds',
  help: 'How long the last probe of the target took.',
  labels: {
    target: { boundedBy: 'configuredTarget' },
    probe: { values: probeKinds },
  },
  emitter: 'agent',
});

export const backupLastSuccess = defineMetric({
  name: 'aidb_backup_last_success_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the last backup of the target finished successfully.',
  labels: { target: { boundedBy: 'configuredBackup' } },
  emitter: 'agent',
});

/** Every metric aidb emits. Instruments are created from these entries and nowhere else. */
export const allMetrics: readonly MetricDef[] = [
  httpServerRequestDuration,
  httpServerActiveRequests,
  documentsIngested,
  probeSuccess,
  probeDuration,
  backupLastSuccess,
];
