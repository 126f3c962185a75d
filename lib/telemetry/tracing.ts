import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { resourceAttributes } from './resource.ts';

export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Tracing {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

// Head sampling when the operator has not chosen: 10 % of new traces, and whatever the caller
// decided for traces that arrive with a parent.
const defaultRatio = 0.1;

/**
 * Sets up the OpenTelemetry SDK for traces, once, before the service's modules load. Spans are
 * exported over OTLP (`OTEL_EXPORTER_OTLP_PROTOCOL`, http/protobuf by default) only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces variant) is set; otherwise no exporter exists, so
 * nothing tries to connect anywhere, at shutdown or ever.
 * Sampling follows `OTEL_TRACES_SAMPLER`/`_ARG` when set, parent-based 10 % otherwise.
 */
export function startTracing(options: TracingOptions): Tracing {
  const { env } = options;
  const exporting =
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '') !== '' &&
    env.OTEL_TRACES_EXPORTER !== 'none';
  const sdk = new NodeSDK({
    resource: resourceFromAttributes(
      resourceAttributes(options.serviceName, options.serviceVersion, env),
    ),
    // No detectors: the process detector would publish command-line arguments.
    autoDetectResources: false,
    resourceDetectors: [],
    // Exporting: the SDK builds the OTLP exporter and batch processor from the standard
    // variables (protocol, headers, batch delays). Not exporting: an explicit empty list, since
    // the SDK would otherwise default to OTLP on localhost:4318.
    ...(exporting ? {} : { spanProcessors: [] }),
    ...(env.OTEL_TRACES_SAMPLER === undefined
      ? { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(defaultRatio) }) }
      : {}),
    instrumentations: [],
  });
  sdk.start();
  return { exporting, shutdown: () => sdk.shutdown() };
}
