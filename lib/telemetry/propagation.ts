import { context, propagation } from '@opentelemetry/api';

/** W3C `traceparent` (and `tracestate`) of the active span, for an outgoing request. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
