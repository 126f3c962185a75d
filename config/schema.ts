import { z } from 'zod';
import { profiles } from '../catalog/dependencies.ts';
import { agent } from './sections/agent.ts';
import { auth } from './sections/auth.ts';
import { backups } from './sections/backups.ts';
import { database } from './sections/database.ts';
import { embeddings } from './sections/embeddings.ts';
import { generate } from './sections/generate.ts';
import { health } from './sections/health.ts';
import { qdrant } from './sections/qdrant.ts';
import { rateLimit } from './sections/rate-limit.ts';
import { redis } from './sections/redis.ts';
import { resilience } from './sections/resilience.ts';
import { service } from './sections/service.ts';
import { tls } from './sections/tls.ts';
import { alerting } from './sections/alerting.ts';
import { setting } from './setting.ts';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logFormats = ['json', 'pretty'] as const;

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
    logFormat: setting(z.enum(logFormats).default('json'), {
      env: 'AIDB_LOG_FORMAT',
      doc: '`json`: one JSON object per line, for log collectors. `pretty`: one readable line per entry, for a terminal (`aidb up --log-format pretty`).',
    }),
    service: service.prefault({}),
    tls: tls.prefault({}),
    database: database.prefault({}),
    redis: redis.prefault({}),
    qdrant: qdrant.prefault({}),
    embeddings: embeddings.prefault({}),
    auth: auth.prefault({}),
    rateLimit: rateLimit.prefault({}),
    health: health.prefault({}),
    resilience: resilience.prefault({}),
    agent: agent.prefault({}),
    backups: backups.prefault({}),
    generate: generate.prefault({}),
    alerting: alerting.prefault({}),
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
