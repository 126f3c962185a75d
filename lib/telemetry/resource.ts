/** `OTEL_RESOURCE_ATTRIBUTES` (k=v,k=v, values percent-encoded per the OTel spec). */
function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return attributes;
}

/**
 * Resource attributes from the standard variables only: `OTEL_RESOURCE_ATTRIBUTES`, then
 * `OTEL_SERVICE_NAME` over the default name. Nothing is detected from the process, so neither
 * `target_info` nor spans carry command-line arguments or environment.
 */
export function resourceAttributes(
  serviceName: string,
  serviceVersion: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return {
    ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': env.OTEL_SERVICE_NAME ?? serviceName,
    'service.version': serviceVersion,
  };
}
