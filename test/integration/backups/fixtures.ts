import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { createBackupEngine, type BackupEngine } from '../../../backups/engine.ts';
import type { TargetDriver } from '../../../backups/driver.ts';
import type { BackupMetrics } from '../../../backups/metrics.ts';
import { createRepository, type Repository } from '../../../backups/repository.ts';
import type { RetentionPolicy } from '../../../backups/retention.ts';
import { createLogger } from '../../../lib/logger.ts';
import { migrate } from '../../../service/store/migrate.ts';
import type { BackupTarget } from '../../../catalog/labels.ts';

/** PostgreSQL 15's programs (Debian keeps them off PATH); the private servers are 15 too. */
export const pgBin = '/usr/lib/postgresql/15/bin';

export interface Keys {
  readonly identity: string;
  readonly recipient: string;
}

export async function generateKeys(): Promise<Keys> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export async function scratchDir(prefix: string): Promise<string> {
  const base = process.env.AIDB_TEST_RUN_DIR ?? tmpdir();
  return mkdtemp(join(base, `${prefix}-`));
}

export const testPolicy: RetentionPolicy = {
  daily: 7,
  weekly: 4,
  monthly: 12,
  timeZone: 'UTC',
  minVerified: 1,
  gracePeriodMs: 7 * 86_400_000,
  maxDeletions: 10,
};

export interface EngineOptions {
  readonly dir: string;
  readonly drivers: Partial<Record<BackupTarget, TargetDriver>>;
  readonly keys: Keys;
  readonly identity?: string;
  readonly createSink?: (path: string) => Writable;
  readonly metrics?: BackupMetrics;
}

export function testEngine(options: EngineOptions): {
  engine: BackupEngine;
  repository: Repository;
} {
  const repository = createRepository(options.dir);
  const engine = createBackupEngine({
    repository,
    drivers: options.drivers,
    recipients: [options.keys.recipient],
    identities: [options.identity ?? options.keys.identity],
    compressionLevel: 3,
    retention: testPolicy,
    logger: createLogger({ level: 'silent', name: 'backup-test' }),
    tools: { aidb: 'test' },
    ...(options.createSink === undefined ? {} : { createSink: options.createSink }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  return { engine, repository };
}

/**
 * The service's schema with generated rows: `collections` collections, each with `documents`
 * documents of `chunks` chunks (8-dimensional embeddings). Deterministic content.
 */
export async function seedServiceDatabase(
  url: string,
  sizes: { collections: number; documents: number; chunks: number },
): Promise<void> {
  const pool = new pg.Pool({ connectionString: url });
  try {
    await migrate(pool);
    await pool.query(
      `INSERT INTO collections (name, description, dimension)
       SELECT 'col-' || i, 'generated collection ' || i, 8 FROM generate_series(1, $1) AS i`,
      [sizes.collections],
    );
    await pool.query(
      `INSERT INTO documents (collection_id, id, title, content, metadata, source, content_sha256)
       SELECT c.id, 'doc-' || d, 'Title ' || d, repeat('content of document ' || d || ' ', 20),
              jsonb_build_object('n', d, 'tags', jsonb_build_array('a', 'b')), 'gen', md5(d::text)
       FROM collections c, generate_series(1, $1) AS d`,
      [sizes.documents],
    );
    await pool.query(
      `INSERT INTO chunks (collection_id, document_id, chunk_index, content, embedding)
       SELECT d.collection_id, d.id, k, 'chunk ' || k || ' of ' || d.id,
              ARRAY(SELECT ((k * 7 + j) % 13)::real / 13 FROM generate_series(1, 8) AS j)
       FROM documents d, generate_series(0, $1 - 1) AS k`,
      [sizes.chunks],
    );
  } finally {
    await pool.end();
  }
}

/**
 * A directory with a `pg_dump` script standing in for the real one (except for `--version`),
 * and the real pg_restore.
 */
export async function fakePgBin(dir: string, script: string, realBin: string): Promise<string> {
  const bin = join(dir, 'fake-bin');
  await mkdir(bin, { recursive: true });
  const versionGuard = `if [ "$1" = "--version" ]; then exec ${realBin}/pg_dump --version; fi`;
  await writeFile(join(bin, 'pg_dump'), `#!/bin/sh\n${versionGuard}\n${script}\n`);
  await chmod(join(bin, 'pg_dump'), 0o755);
  await writeFile(join(bin, 'pg_restore'), `#!/bin/sh\nexec ${realBin}/pg_restore "$@"\n`);
  await chmod(join(bin, 'pg_restore'), 0o755);
  return bin;
}

/** `SELECT` results of the service tables, row by row, for comparing two databases. */
export async function sampleRows(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: unknown[] = [];
    for (const sql of [
      'SELECT * FROM collections ORDER BY id',
      "SELECT * FROM documents WHERE id IN ('doc-1', 'doc-17', 'doc-99') ORDER BY collection_id, id",
      "SELECT * FROM chunks WHERE document_id IN ('doc-3', 'doc-42') ORDER BY collection_id, document_id, chunk_index",
    ]) {
      out.push((await client.query(sql)).rows);
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function tableCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const table of [
      'aidb_job_claims',
      'aidb_schema_migrations',
      'chunks',
      'collections',
      'documents',
    ]) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      out[`public.${table}`] = Number(rows[0]?.n);
    }
    return out;
  } finally {
    await client.end();
  }
}
