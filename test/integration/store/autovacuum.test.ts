import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { vacuumRound } from '../../../service/store/autovacuum.ts';
import { openPglite } from '../../../service/store/pglite.ts';
import type { Sql } from '../../../service/store/sql.ts';

interface Stats {
  dead: number;
  vacuums: number;
  analyzes: number;
}

async function statsOf(sql: Sql, table: string): Promise<Stats> {
  await sql.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await sql.query<{ dead: string; vacuums: string; analyzes: string }>(
    `SELECT n_dead_tup AS dead, vacuum_count AS vacuums, analyze_count AS analyzes
     FROM pg_stat_user_tables WHERE relname = $1`,
    [table],
  );
  const row = rows[0];
  return {
    dead: Number(row?.dead),
    vacuums: Number(row?.vacuums),
    analyzes: Number(row?.analyzes),
  };
}

/** 2,000 rows, each updated three times: 6,000 dead versions, far past the threshold. */
async function churn(sql: Sql, table: string): Promise<void> {
  await sql.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
  await sql.query(`INSERT INTO ${table} SELECT g, 'x' FROM generate_series(1, 2000) g`);
  for (let i = 0; i < 3; i += 1) await sql.query(`UPDATE ${table} SET v = v || 'y'`);
}

describe('autovacuum for the embedded engine (real PGlite, which runs none of its own)', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  beforeAll(async () => {
    pglite = await PGlite.create();
    pool = new pg.Pool(createPgConfig(pglite));
  }, 60_000);
  afterAll(async () => {
    await pool.end();
    await pglite.close();
  });

  it('vacuums and analyzes a table whose updates left dead rows past the threshold', async () => {
    await churn(pool, 'churned');
    expect((await statsOf(pool, 'churned')).dead).toBeGreaterThan(5000);
    const ran = await vacuumRound(pool);
    expect(ran).toContainEqual({ table: 'public.churned', ran: 'vacuum' });
    expect(await statsOf(pool, 'churned')).toEqual({ dead: 0, vacuums: 1, analyzes: 1 });
    // Nothing new since: the next pass leaves it alone.
    expect(await vacuumRound(pool)).not.toContainEqual(
      expect.objectContaining({ table: 'public.churned' }),
    );
  });

  it('leaves a table below every threshold alone', async () => {
    await pool.query('CREATE TABLE quiet (id int PRIMARY KEY)');
    await pool.query('INSERT INTO quiet SELECT generate_series(1, 20)');
    await pool.query('DELETE FROM quiet WHERE id <= 10');
    expect(await vacuumRound(pool)).not.toContainEqual(
      expect.objectContaining({ table: 'public.quiet' }),
    );
    expect((await statsOf(pool, 'quiet')).vacuums).toBe(0);
  });
});

describe('the embedded database opened by the service', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-autovacuum-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('vacuums on its own at the interval it is given', async () => {
    const db = await openPglite(dir, createLogger({ level: 'silent', name: 'test' }), 50);
    try {
      await churn(db.pool, 'churned');
      const deadline = Date.now() + 30_000;
      const done = (stats: Stats): boolean => stats.dead === 0 && stats.vacuums > 0;
      while (!done(await statsOf(db.pool, 'churned')) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = await statsOf(db.pool, 'churned');
      expect(stats.dead).toBe(0);
      expect(stats.vacuums).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
