import { z } from 'zod';
import { setting } from '../setting.ts';
import { millis, port } from './primitives.ts';

export const service = z
  .object({
    host: setting(z.string().min(1).default('127.0.0.1'), {
      env: 'AIDB_HOST',
      doc: 'Address the HTTP API listens on.',
    }),
    port: setting(port.default(8091), { env: 'AIDB_PORT', doc: 'Port of the HTTP API.' }),
    bodyLimitBytes: setting(
      z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(1024 * 1024),
      {
        env: 'AIDB_BODY_LIMIT_BYTES',
        doc: 'Largest accepted request body; larger bodies get 413.',
      },
    ),
    requestTimeoutMs: setting(millis.default(30_000), {
      env: 'AIDB_REQUEST_TIMEOUT_MS',
      doc: 'Time a request may take before the server gives up on it.',
    }),
    defaultCollection: setting(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
        .default('default'),
      {
        env: 'AIDB_DEFAULT_COLLECTION',
        doc: 'Collection behind the compatibility routes of the original service.',
      },
    ),
    trustedProxies: setting(z.array(z.string().min(1)).default([]), {
      env: 'AIDB_TRUSTED_PROXIES',
      doc: 'Comma-separated addresses or CIDRs whose `X-Forwarded-For` is believed.',
    }),
    corsOrigins: setting(z.array(z.string().min(1)).default([]), {
      env: 'AIDB_CORS_ORIGINS',
      doc: 'Comma-separated origins allowed by CORS; empty turns CORS off.',
    }),
    telemetry: setting(z.boolean().default(true), {
      env: 'AIDB_TELEMETRY',
      doc: 'Metrics on `/metrics` and traces (exported when `OTEL_EXPORTER_OTLP_ENDPOINT` is set); off only to measure their cost.',
    }),
    shutdownDrainDelayMs: setting(z.number().int().min(0).default(5_000), {
      env: 'AIDB_SHUTDOWN_DRAIN_DELAY_MS',
      doc: 'After SIGTERM, readiness is 503 for this long before new connections stop, so load balancers notice.',
    }),
    shutdownDeadlineMs: setting(millis.default(30_000), {
      env: 'AIDB_SHUTDOWN_DEADLINE_MS',
      doc: 'Hard limit for a graceful shutdown; past it the process exits with status 1.',
    }),
  })
  .strict();
