import { httpMethods } from '../labels.ts';
import { defineMetric } from '../types.ts';

/**
 * Bucket bounds of the request-duration histogram, in seconds. They bracket the latency SLO
 * bound (0.25 s, `slos.ts`) so the SLI reads an exact bucket, and stay non-integer below 1 s so
 * `le` selectors mean the same on Prometheus 2 and 3.
 */
export const httpDurationBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** OTel semantic convention `http.server.request.duration`, in its Prometheus form. */
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
  emitters: ['service'],
  buckets: httpDurationBuckets,
});

/** OTel semantic convention `http.server.active_requests`. */
export const httpServerActiveRequests = defineMetric({
  name: 'http_server_active_requests',
  kind: 'updown_counter',
  unit: 'count',
  help: 'HTTP requests being served right now.',
  labels: {},
  emitters: ['service'],
});

export const httpMetrics = [httpServerRequestDuration, httpServerActiveRequests];
