import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Component name added to every line (`service`, `agent`, `backup`). */
  readonly name: string;
  /** Where lines go; standard output when absent. */
  readonly destination?: DestinationStream;
}

// Belt and braces: secrets are never passed to the logger, but a header or config object logged
// by mistake must still not leak them.
const redactPaths = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'identity',
  '*.identity',
];

/** The one JSON-lines logger of a process; library code receives it, never creates one. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Every line written inside a request names its trace, so logs and traces join up.
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span !== undefined && isSpanContextValid(span)
          ? { trace_id: span.traceId, span_id: span.spanId }
          : {};
      },
    },
    options.destination,
  );
}
