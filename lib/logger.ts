import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { prettyDestination } from './pretty-log.ts';

export type { Logger };

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Component name added to every line (`service`, `agent`, `backup`). */
  readonly name: string;
  /** Where lines go; standard output when absent. */
  readonly destination?: { write(text: string): unknown; readonly isTTY?: boolean };
  /** `json` (the default) for collectors, `pretty` for a person at a terminal. */
  readonly format?: 'json' | 'pretty';
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
  const out = options.destination ?? process.stdout;
  const destination: DestinationStream = options.format === 'pretty' ? prettyDestination(out) : out;
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // One `level` key per line: a field of that name (a verification level) is renamed.
        log: (object) => {
          if (!Object.hasOwn(object, 'level')) return object;
          const { level, ...rest } = object;
          return { ...rest, level_field: level };
        },
      },
      // Every line written inside a request names its trace, so logs and traces join up.
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span !== undefined && isSpanContextValid(span)
          ? { trace_id: span.traceId, span_id: span.spanId }
          : {};
      },
    },
    destination,
  );
}
