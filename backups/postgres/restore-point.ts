/**
 * Row counts of a base backup, exact at a named restore point.
 *
 * A base backup is a fuzzy copy that WAL makes consistent, so no SQL snapshot equals "the base".
 * The counts are tied instead to a restore point written after the base ended: level 2 recovers
 * exactly to it (`recovery_target_name`) and counts there. For the two to agree exactly:
 *  1. session A locks every counted table IN SHARE MODE, which conflicts with INSERT, UPDATE
 *     and DELETE: once granted, every transaction that wrote to them has ended — PostgreSQL
 *     releases a transaction's locks only after its commit is visible — and none can start;
 *  2. one statement exports A's snapshot and writes the restore point: the committed set the
 *     snapshot sees is exactly the one whose commit records precede the point;
 *  3. session B imports the snapshot and A commits, so writers wait for steps 1–2 only
 *     (milliseconds), while B counts at leisure.
 * Each lock waits at most `lockTimeoutMs`, so writers queue behind it no longer than that; a long
 * writing transaction makes it retry, and after `attempts` the backup fails naming the cause.
 * What is left: a table whose creation commits during that one statement of step 2 is at the
 * point but not counted (verification would name it as unexpected); B re-lists the tables in
 * the snapshot and retries if they differ from those locked, which closes the rest.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { BackupError, wrap } from '../errors.ts';
import { connectPostgres, type PostgresConnection } from './connection.ts';
import { countTables, listTables, type CountedTable } from './row-counts.ts';

export interface RestorePointCounts {
  readonly restorePoint: { readonly name: string; readonly lsn: string };
  readonly rowCounts: Record<string, number>;
}

export interface RestorePointOptions {
  readonly lockTimeoutMs?: number;
  readonly attempts?: number;
  readonly retryDelayMs?: number;
}

const retryable = new Set(['55P03', '42P01']); // lock_not_available, undefined_table

const sameTables = (a: readonly CountedTable[], b: readonly CountedTable[]): boolean =>
  a.map((t) => t.key).join('\n') === b.map((t) => t.key).join('\n');

async function attempt(
  locker: pg.Client,
  counter: pg.Client,
  lockTimeoutMs: number,
): Promise<RestorePointCounts | undefined> {
  const name = `aidb_base_${randomBytes(6).toString('hex')}`;
  await locker.query('BEGIN');
  try {
    await locker.query(`SET LOCAL lock_timeout = ${String(lockTimeoutMs)}`);
    const tables = await listTables(locker);
    if (tables.length > 0)
      await locker.query(`LOCK TABLE ${tables.map((t) => t.sql).join(', ')} IN SHARE MODE`);
    const { rows } = await locker.query<{ snapshot: string; lsn: string }>(
      'SELECT pg_export_snapshot() AS snapshot, pg_create_restore_point($1)::text AS lsn',
      [name],
    );
    const { snapshot = '', lsn = '' } = rows[0] ?? {};
    await counter.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await counter.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    await locker.query('COMMIT');
    try {
      const seen = await listTables(counter);
      if (!sameTables(seen, tables)) return undefined;
      return { restorePoint: { name, lsn }, rowCounts: await countTables(counter, tables) };
    } finally {
      await counter.query('ROLLBACK');
    }
  } catch (error) {
    await locker.query('ROLLBACK').catch(() => undefined);
    if (retryable.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

/** Fails before a base is streamed when the role may not write the restore point it needs. */
export async function checkRestorePointGrant(connection: PostgresConnection): Promise<void> {
  const client = await connectPostgres(connection, 'dump_failed');
  try {
    const { rows } = await client.query<{ ok: boolean; role: string }>(
      "SELECT has_function_privilege('pg_create_restore_point(text)', 'EXECUTE') AS ok, current_user AS role",
    );
    const { ok = false, role = '' } = rows[0] ?? {};
    if (!ok) {
      throw new BackupError(
        'dump_failed',
        `backups: role ${role} may not write restore points, which base backups need for exact row counts; as a superuser: GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO ${role}`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Counts every table at a new restore point; see the file comment for why it is exact. */
export async function countAtRestorePoint(
  connection: PostgresConnection,
  options: RestorePointOptions = {},
): Promise<RestorePointCounts> {
  const { lockTimeoutMs = 200, attempts = 60, retryDelayMs = 1_000 } = options;
  const locker = await connectPostgres(connection, 'dump_failed');
  const counter = await connectPostgres(connection, 'dump_failed').catch(async (error: unknown) => {
    await locker.end();
    throw error;
  });
  try {
    for (let n = 1; n <= attempts; n += 1) {
      const found = await attempt(locker, counter, lockTimeoutMs);
      if (found !== undefined) return found;
      if (n < attempts) await sleep(retryDelayMs);
    }
    throw new BackupError(
      'dump_failed',
      `backups: could not lock the tables for the base backup's row counts in ${String(attempts)} tries of ${String(lockTimeoutMs)} ms (a long transaction kept writing); the next base backup tries again`,
    );
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as { code?: string }).code;
    const grant =
      code === '42501'
        ? ' (grant EXECUTE ON FUNCTION pg_create_restore_point(text), and UPDATE or ownership of the tables for LOCK … IN SHARE MODE)'
        : '';
    throw wrap(
      'dump_failed',
      `backups: cannot count rows at a restore point: ${(error as Error).message}${grant}`,
      error,
    );
  } finally {
    await Promise.all([locker.end(), counter.end()].map((p) => p.catch(() => undefined)));
  }
}
