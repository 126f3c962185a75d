import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrationLockKey } from '../../../service/store/migrate.ts';
import type { AidbProcess } from '../../support/aidb-process.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { call, startServe } from '../../support/serve-process.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * Replicas of `aidb serve` on one fresh database, as a Deployment rolls them out: started at the
 * same instant, and one killed half-way through its migrations. Real PostgreSQL 15 as it is
 * here: with pgvector built for it, start-up also creates the extension and its tables, and the
 * same tests cover that race.
 */
describe('replicas on one fresh database', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let databases = 0;
  const services: AidbProcess[] = [];
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.kill()));
    await Promise.all([postgres.close(), redis.close()]);
  });

  async function freshDatabase(): Promise<string> {
    databases += 1;
    return postgres.createDatabase(`replicas_${String(databases)}`);
  }

  async function replica(url: string): Promise<AidbProcess> {
    const service = await startServe({
      AIDB_PROFILE: 'external',
      DATABASE_URL: url,
      REDIS_URL: redis.url,
    });
    services.push(service);
    return service;
  }

  async function appliedVersions(url: string): Promise<number[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM aidb_schema_migrations ORDER BY version',
      );
      return rows.map((row) => row.version);
    } finally {
      await client.end();
    }
  }

  const ready = (service: AidbProcess) => async () =>
    (await call(service.url, 'GET', '/health/ready')).status === 200;

  it.each([2, 3])(
    '%i replicas started at the same instant all become ready, and the schema is migrated once',
    async (count) => {
      const url = await freshDatabase();
      // Process start-up times differ by more than the schema work takes, so "the same instant"
      // is made exact: the test holds the migration lock until every replica waits for it, then
      // lets them all go at once.
      const gate = new pg.Client({ connectionString: url });
      await gate.connect();
      await gate.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
      const replicas = await Promise.all(Array.from({ length: count }, () => replica(url)));
      await waitFor('every replica to wait for the migration lock', async () => {
        const { rows } = await gate.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'aidb'
             AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        );
        return Number(rows[0]?.n) === count;
      });
      await gate.end();
      for (const service of replicas)
        await waitFor(`replica ${service.url} ready`, ready(service), { timeoutMs: 30_000 });
      // Each came up at its first attempt: none tripped over another's schema work (a concurrent
      // CREATE EXTENSION or CREATE TABLE IF NOT EXISTS fails with 23505) and had to retry.
      for (const service of replicas)
        expect(service.output()).not.toContain('start-up could not reach its store yet');
      const all = (await loadMigrations()).map((m) => m.version);
      expect(await appliedVersions(url)).toEqual(all);
      // Each replica writes, and each sees every other's write.
      for (const [i, service] of replicas.entries())
        expect((await call(service.url, 'PUT', `/v1/collections/r${String(i)}`, {})).status).toBe(
          201,
        );
      for (const service of replicas) {
        const listed = await call(service.url, 'GET', '/v1/collections');
        expect(listed.body.collections.map((c: { name: string }) => c.name)).toEqual(
          replicas.map((_, i) => `r${String(i)}`),
        );
        expect(service.running).toBe(true);
      }
    },
  );

  it('a replica SIGKILLed half-way through its migrations leaves nothing half-done; restarted, it finishes them', async () => {
    const url = await freshDatabase();
    // Hold the replica inside its first migration: the migrations table exists (as the
    // migrator would create it) and the test holds a lock that blocks the replica's INSERT into
    // it, after the migration's DDL ran in the same transaction.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    holder.on('error', () => undefined);
    await holder.query(`CREATE TABLE aidb_schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE aidb_schema_migrations IN EXCLUSIVE MODE');
    const first = await replica(url);
    // Another session looks: inside a transaction pg_stat_activity is a snapshot.
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    await waitFor('the replica to wait inside its migration', async () => {
      const { rows } = await observer.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'aidb'
           AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO aidb_schema_migrations%'`,
      );
      return Number(rows[0]?.n) === 1;
    });
    await first.kill();
    expect(first.running).toBe(false);
    await holder.query('ROLLBACK');
    await holder.end();
    // The dead replica's session ends when it next talks to its client; then nothing it did in
    // its migration is left.
    await waitFor('the dead replica’s session to end', async () => {
      const { rows } = await observer.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'aidb'`,
      );
      return Number(rows[0]?.n) === 0;
    });
    const left = await observer.query<{ collections: string | null; versions: string }>(
      `SELECT to_regclass('collections')::text AS collections,
              (SELECT count(*) FROM aidb_schema_migrations) AS versions`,
    );
    expect(left.rows[0]).toEqual({ collections: null, versions: '0' });
    await observer.end();

    const second = await replica(url);
    expect((await call(second.url, 'GET', '/health/live')).status).toBe(200);
    await waitFor('the restarted replica ready', ready(second), { timeoutMs: 30_000 });
    expect(await appliedVersions(url)).toEqual((await loadMigrations()).map((m) => m.version));
    expect((await call(second.url, 'PUT', '/v1/collections/after', {})).status).toBe(201);
    expect((await call(second.url, 'GET', '/v1/collections/after')).status).toBe(200);
  });
});
