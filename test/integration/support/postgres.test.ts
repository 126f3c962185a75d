import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('private PostgreSQL helper', () => {
  let server: PostgresServer;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('helper_test');
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves PostgreSQL 15 on its own port and data directory', async () => {
    const [row] = (await query(url, 'SHOW server_version_num')) as { server_version_num: string }[];
    expect(Number(row?.server_version_num)).toBeGreaterThanOrEqual(150000);
    expect(Number(row?.server_version_num)).toBeLessThan(160000);
    expect(server.port).not.toBe(5432);
    const [dir] = (await query(url, 'SHOW data_directory')) as { data_directory: string }[];
    expect(dir?.data_directory).toBe(server.dataDir);
  });

  it('stops: connections are refused; starts again with the data kept', async () => {
    await query(url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$before stop$$)');
    await server.stop();
    expect(await server.isRunning()).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await query(url, 'SELECT v FROM kept')).toEqual([{ v: 'before stop' }]);
  });

  it('kills: an open session dies, and a start recovers committed data', async () => {
    await query(url, 'INSERT INTO kept VALUES ($$before kill$$)');
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    await server.kill();
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await query(url, 'SELECT v FROM kept ORDER BY v')).toEqual([
      { v: 'before kill' },
      { v: 'before stop' },
    ]);
    await client.end().catch(() => undefined);
  });

  it('restarts: a new server process with the same port and data', async () => {
    const pidBefore = (await query(url, 'SELECT pg_postmaster_start_time() AS t')) as { t: Date }[];
    await server.restart();
    const pidAfter = (await query(url, 'SELECT pg_postmaster_start_time() AS t')) as { t: Date }[];
    expect(pidAfter[0]?.t.getTime()).toBeGreaterThan(pidBefore[0]?.t.getTime() ?? Infinity);
    expect(await query(url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 2 }]);
  });

  it('gives every call its own cluster', async () => {
    const other = await startPostgres();
    try {
      expect(other.port).not.toBe(server.port);
      expect(other.dataDir).not.toBe(server.dataDir);
      const id = 'SELECT system_identifier::text AS id FROM pg_control_system()';
      expect(await query(other.url, id)).not.toEqual(await query(server.url, id));
      await other.stop();
      expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      await other.close();
    }
  });
});
