import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import { startAutovacuum } from './autovacuum.ts';
import { countRows, type Database } from './sql.ts';

/** Where the embedded profile keeps its database inside the data directory. */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/**
 * Opens the embedded PostgreSQL (PGlite, with pgvector) behind a node-postgres pool, so the
 * store runs the same SQL through the same client API on both profiles. PGlite serves one
 * connection; the pool queues callers. PGlite runs no autovacuum: this process does its work
 * (autovacuum.ts), every `vacuumIntervalMs`.
 */
export async function openPglite(
  dataDir: string,
  logger: Logger,
  vacuumIntervalMs?: number,
): Promise<Database & { readonly pglite: PGlite }> {
  const dir = pgliteDir(dataDir);
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir, { extensions: { vector } });
  const pool = new pg.Pool(createPgConfig(pglite));
  const autovacuum = startAutovacuum(pool, logger, vacuumIntervalMs);
  return {
    pool,
    pglite,
    engine: 'pglite',
    async snapshot() {
      // Holding the pool's only client keeps every other query out until the copy is taken,
      // so the counts describe exactly the files in the tar.
      const client = await pool.connect();
      try {
        const rowCounts = await countRows(client);
        return { rowCounts, tar: await pglite.dumpDataDir('none') };
      } finally {
        client.release();
      }
    },
    async close() {
      await autovacuum.stop();
      await pool.end();
      await pglite.close();
    },
  };
}
