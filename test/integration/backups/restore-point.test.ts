import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAtRestorePoint } from '../../../backups/postgres/restore-point.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';

describe('row counts at a restore point (PostgreSQL 15)', () => {
  let server: PostgresServer;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('counted');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE a (id int); INSERT INTO a SELECT generate_series(1, 5)');
    await client.query('CREATE SCHEMA s; CREATE TABLE s.b (id int)');
    await client.end();
  }, 60_000);

  afterAll(async () => {
    await server.close();
  });

  it('counts every table and returns the restore point it wrote', async () => {
    const counted = await countAtRestorePoint({ url });
    expect(counted.rowCounts).toEqual({ 'public.a': 5, 's.b': 0 });
    expect(counted.restorePoint.name).toMatch(/^aidb_base_[0-9a-f]{12}$/);
    expect(counted.restorePoint.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
  });

  it('waits out a writer that has not committed, gives up naming why, and counts its rows once committed', async () => {
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO a VALUES (6)');
      await expect(
        countAtRestorePoint({ url }, { attempts: 2, lockTimeoutMs: 50, retryDelayMs: 10 }),
      ).rejects.toThrow(
        "backups: could not lock the tables for the base backup's row counts in 2 tries of 50 ms (a long transaction kept writing); the next base backup tries again",
      );
      await writer.query('COMMIT');
    } finally {
      await writer.end();
    }
    expect((await countAtRestorePoint({ url })).rowCounts).toEqual({ 'public.a': 6, 's.b': 0 });
  });
});
