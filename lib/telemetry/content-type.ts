/** The Prometheus text exposition format every aidb `/metrics` serves. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';
