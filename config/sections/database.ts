import { z } from 'zod';
import { setting } from '../setting.ts';
import { millis } from './primitives.ts';

export const database = z
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
    pgvectorSweepMs: setting(millis.default(5_000), {
      env: 'AIDB_DATABASE_PGVECTOR_SWEEP_MS',
      doc: 'How often an idle replica’s pgvector indexer takes over queued chunks another replica left behind (it died or stopped).',
    }),
    pgvectorBuildMemoryMb: setting(z.number().int().min(64).max(65_536).default(1_024), {
      env: 'AIDB_DATABASE_PGVECTOR_BUILD_MEMORY_MB',
      doc: 'Most `maintenance_work_mem` one HNSW graph build may take (sized to the collection below that); the database server must have it free.',
    }),
  })
  .strict();
