import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../../service/store/migrate.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';

/** A pool whose idle clients may die with the test's cluster without crashing the run. */
function poolFor(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  pool.on('error', () => undefined);
  return pool;
}

async function tables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

const expectedTables = [
  'aidb_job_claims',
  'aidb_schema_migrations',
  'chunks',
  'collections',
  'documents',
];

describe('migrations on PostgreSQL 15', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server.close();
  });

  it('two instances starting together apply each migration exactly once', async () => {
    const url = await server.createDatabase('migrate_race');
    const pools = [poolFor(url), poolFor(url)];
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      const all = (await loadMigrations()).map((m) => m.version);
      expect(results.flat().sort()).toEqual(all);
      expect(await tables(pools[0] as pg.Pool)).toEqual(expectedTables);
      expect(await migrate(pools[0] as pg.Pool)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('refuses a database migrated by a newer build', async () => {
    const url = await server.createDatabase('migrate_newer');
    const pool = poolFor(url);
    try {
      await migrate(pool);
      await pool.query("INSERT INTO aidb_schema_migrations (version, name) VALUES (999, 'future')");
      await expect(migrate(pool)).rejects.toThrow(
        'store: database schema version 999 is newer than this build knows',
      );
    } finally {
      await pool.end();
    }
  });

  it('rolls back a failing migration and names it', async () => {
    const url = await server.createDatabase('migrate_broken');
    const pool = poolFor(url);
    try {
      const broken = [{ version: 1, name: 'broken', sql: 'CREATE TABLE t (a int); SELECT 1/0' }];
      await expect(migrate(pool, broken)).rejects.toThrow('store: migration 1_broken failed');
      expect(await tables(pool)).toEqual(['aidb_schema_migrations']);
    } finally {
      await pool.end();
    }
  });
});

describe('migrations on PGlite', () => {
  it('applies the same SQL in process', async () => {
    const db = await PGlite.create('memory://');
    const pool = new pg.Pool(createPgConfig(db));
    try {
      expect(await migrate(pool)).toEqual((await loadMigrations()).map((m) => m.version));
      expect(await tables(pool)).toEqual(expectedTables);
    } finally {
      await pool.end();
      await db.close();
    }
  });
});
