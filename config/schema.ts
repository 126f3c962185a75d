import { z } from 'zod';
import { setting } from './setting.ts';

const port = z.number().int().min(1).max(65535);
const millis = z.number().int().min(1);
const httpUrl = z.url({ protocol: /^https?$/ });

export const profiles = ['embedded', 'external'] as const;
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const service = z
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

const database = z
  .object({
    url: setting(z.string().min(1).optional(), {
      env: 'DATABASE_URL',
      secret: true,
      doc: 'PostgreSQL connection URL (external profile).',
    }),
    password: setting(z.string().min(1).optional(), {
      env: 'DATABASE_PASSWORD',
      secret: true,
      doc: 'PostgreSQL password; overrides one in `DATABASE_URL`.',
    }),
    poolMax: setting(z.number().int().min(1).max(200).default(10), {
      env: 'AIDB_DATABASE_POOL_MAX',
      doc: 'Most PostgreSQL connections the service holds.',
    }),
    statementTimeoutMs: setting(millis.default(5_000), {
      env: 'AIDB_DATABASE_STATEMENT_TIMEOUT_MS',
      doc: 'PostgreSQL `statement_timeout` for the service’s sessions.',
    }),
    connectTimeoutMs: setting(millis.default(3_000), {
      env: 'AIDB_DATABASE_CONNECT_TIMEOUT_MS',
      doc: 'Time allowed to open a PostgreSQL connection.',
    }),
  })
  .strict();

const redis = z
  .object({
    url: setting(z.string().min(1).optional(), {
      env: 'REDIS_URL',
      secret: true,
      doc: 'Redis URL for the shared cache and rate limits (external profile; optional).',
    }),
    password: setting(z.string().min(1).optional(), {
      env: 'REDIS_PASSWORD',
      secret: true,
      doc: 'Redis password; overrides one in `REDIS_URL`.',
    }),
  })
  .strict();

const qdrant = z
  .object({
    url: setting(httpUrl.optional(), {
      env: 'QDRANT_URL',
      doc: 'Qdrant REST URL; when set, Qdrant is the vector index.',
    }),
    apiKey: setting(z.string().min(1).optional(), {
      env: 'QDRANT_API_KEY',
      secret: true,
      doc: 'Qdrant API key.',
    }),
    timeoutMs: setting(millis.default(5_000), {
      env: 'AIDB_QDRANT_TIMEOUT_MS',
      doc: 'Timeout of each Qdrant call.',
    }),
  })
  .strict();

const embeddings = z
  .object({
    url: setting(httpUrl.optional(), {
      env: 'EMBEDDINGS_URL',
      doc: 'OpenAI-compatible or llama.cpp embeddings server; unset uses the built-in lexical embedder.',
    }),
    apiKey: setting(z.string().min(1).optional(), {
      env: 'EMBEDDINGS_API_KEY',
      secret: true,
      doc: 'Bearer key for the embeddings server.',
    }),
    model: setting(z.string().min(1).max(200).default('aidb-lexical-384'), {
      env: 'EMBEDDINGS_MODEL',
      doc: 'Model name sent to the embeddings server and reported by `/v1/embed`.',
    }),
    dimension: setting(z.number().int().min(2).max(4096).default(384), {
      env: 'EMBEDDINGS_DIMENSION',
      doc: 'Vector dimension the embeddings backend must return.',
    }),
    timeoutMs: setting(millis.default(10_000), {
      env: 'AIDB_EMBEDDINGS_TIMEOUT_MS',
      doc: 'Timeout of each embeddings call.',
    }),
    batchSize: setting(z.number().int().min(1).max(256).default(32), {
      env: 'AIDB_EMBEDDINGS_BATCH_SIZE',
      doc: 'Texts per embeddings request.',
    }),
  })
  .strict();

const auth = z
  .object({
    apiKeys: setting(z.string().min(1).optional(), {
      env: 'AIDB_API_KEYS',
      secret: true,
      doc: 'API keys with their scopes (format in the security guide).',
    }),
    readsRequireKey: setting(z.boolean().default(true), {
      env: 'AIDB_READS_REQUIRE_KEY',
      doc: 'Whether read routes need an API key.',
    }),
  })
  .strict();

const agent = z
  .object({
    host: setting(z.string().min(1).default('127.0.0.1'), {
      env: 'AIDB_AGENT_HOST',
      doc: 'Address of the agent’s metrics and status endpoint.',
    }),
    port: setting(port.default(9470), {
      env: 'AIDB_AGENT_PORT',
      doc: 'Port of the agent’s metrics and status endpoint.',
    }),
    serviceUrl: setting(httpUrl.default('http://127.0.0.1:8091'), {
      env: 'AIDB_AGENT_SERVICE_URL',
      doc: 'Base URL of the co-located service the agent probes.',
    }),
    adminKey: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ADMIN_KEY',
      secret: true,
      doc: 'Admin API key the agent uses for the service’s maintenance routes.',
    }),
  })
  .strict();

const retention = z
  .object({
    daily: setting(z.number().int().min(0).max(366).default(7), {
      env: 'AIDB_BACKUP_KEEP_DAILY',
      doc: 'Daily backups kept.',
    }),
    weekly: setting(z.number().int().min(0).max(520).default(4), {
      env: 'AIDB_BACKUP_KEEP_WEEKLY',
      doc: 'Weekly backups kept (ISO weeks).',
    }),
    monthly: setting(z.number().int().min(0).max(1200).default(12), {
      env: 'AIDB_BACKUP_KEEP_MONTHLY',
      doc: 'Monthly backups kept.',
    }),
    timeZone: setting(z.string().min(1).default('UTC'), {
      env: 'AIDB_BACKUP_TIME_ZONE',
      doc: 'IANA time zone whose calendar days, weeks and months retention counts.',
    }),
  })
  .strict();

const backups = z
  .object({
    repository: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_REPOSITORY',
      doc: 'Directory holding backups; default `<dataDir>/backups`.',
    }),
    identity: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_IDENTITY',
      secret: true,
      doc: 'age identity (`AGE-SECRET-KEY-1…`) that decrypts backups for verification and restore.',
    }),
    recipients: setting(z.array(z.string().min(1)).default([]), {
      env: 'AIDB_BACKUP_RECIPIENTS',
      doc: 'Comma-separated age recipients (`age1…`) backups are encrypted to.',
    }),
    schedule: setting(z.string().min(1).default('0 2 * * *'), {
      env: 'AIDB_BACKUP_SCHEDULE',
      doc: 'Cron expression of scheduled backups.',
    }),
    retention: retention.prefault({}),
  })
  .strict();

export const configSchema = z
  .object({
    profile: setting(z.enum(profiles).default('embedded'), {
      env: 'AIDB_PROFILE',
      doc: '`embedded`: in-process PostgreSQL (PGlite), memory cache, built-in embedder. `external`: the servers configured below.',
    }),
    dataDir: setting(z.string().min(1).default('./data'), {
      env: 'AIDB_DATA_DIR',
      doc: 'Directory for the embedded database and default backup repository.',
    }),
    logLevel: setting(z.enum(logLevels).default('info'), {
      env: 'AIDB_LOG_LEVEL',
      doc: 'Least severe log level written.',
    }),
    service: service.prefault({}),
    database: database.prefault({}),
    redis: redis.prefault({}),
    qdrant: qdrant.prefault({}),
    embeddings: embeddings.prefault({}),
    auth: auth.prefault({}),
    agent: agent.prefault({}),
    backups: backups.prefault({}),
  })
  .strict()
  .superRefine(crossCheck, {
    // Runs even when other settings are invalid, so every problem is reported in one go.
    when: () => true,
  });

/** Rules that involve more than one setting; the input may be partly invalid. */
function crossCheck(config: z.input<typeof configSchema>, ctx: z.RefinementCtx): void {
  if (config.profile === 'external' && config.database?.url === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['database', 'url'],
      message: 'required when profile is external',
    });
  }
}

export type Config = z.output<typeof configSchema>;
