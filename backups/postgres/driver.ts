/**
 * PostgreSQL checks and restores. Level 1 reads the whole archive with `pg_restore -f /dev/null`
 * (which, unlike `pg_restore --list`, fails on truncated and corrupted dumps: ARCHITECTURE.md).
 * Level 2 restores into a scratch database named `<scratchPrefix><random>`, counts rows and drops
 * it. pg_restore reads stdin, so no plain dump ever touches the disk.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runChild } from '../child.ts';
import { compareRowCounts, type Consumer, type TargetDriver } from '../driver.ts';
import { BackupError, type FailureReason } from '../errors.ts';
import {
  connectPostgres,
  libpqEnv,
  missingTool,
  pgTool,
  type PostgresConnection,
} from './connection.ts';
import { createPostgresSource } from './dump.ts';
import { countRows } from './row-counts.ts';

export interface PostgresDriverOptions {
  readonly connection: PostgresConnection;
  /** Server and maintenance database where scratch databases are created; `connection` if absent. */
  readonly scratch?: PostgresConnection | undefined;
  /** Prefix of scratch database names; leftovers with it are dropped. */
  readonly scratchPrefix: string;
}

function pgRestore(
  connection: PostgresConnection,
  args: readonly string[],
  database: string | undefined,
  reason: FailureReason,
  signal: AbortSignal,
): Consumer {
  const child = runChild({
    command: pgTool(connection, 'pg_restore'),
    missing: missingTool(connection, 'pg_restore'),
    args: ['--no-password', ...args],
    env: libpqEnv(connection, database),
    reason,
    signal,
  });
  child.stdout.resume();
  return { stream: child.stdin, done: child.done };
}

async function withClient<T>(
  connection: PostgresConnection,
  database: string | undefined,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connectPostgres(connection, 'other', database);
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function databaseState(
  connection: PostgresConnection,
  name: string,
): Promise<'missing' | 'empty' | 'non_empty'> {
  const exists = await withClient(connection, undefined, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
  if (!exists) return 'missing';
  const counts = await withClient(connection, name, countRows);
  return Object.keys(counts).length === 0 ? 'empty' : 'non_empty';
}

export function createPostgresDriver(options: PostgresDriverOptions): TargetDriver {
  const { connection, scratchPrefix } = options;
  const scratch = options.scratch ?? connection;
  const dropDatabase = (name: string): Promise<void> =>
    withClient(scratch, undefined, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    });

  return {
    target: 'postgres',
    source: createPostgresSource(connection),
    archiveReader(_part, signal) {
      return pgRestore(connection, ['--file=/dev/null'], undefined, 'verify_failed', signal);
    },
    async scratchRestore(manifest, feed, signal) {
      const name = `${scratchPrefix}${randomBytes(6).toString('hex')}`;
      await withClient(scratch, undefined, (client) =>
        client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`),
      );
      try {
        const found: Record<string, number>[] = [];
        for (const part of manifest.parts) {
          const args = ['--dbname', name, '--no-owner', '--no-privileges', '--exit-on-error'];
          await feed(part, pgRestore(scratch, args, name, 'verify_failed', signal));
          const counts = await withClient(scratch, name, countRows);
          compareRowCounts(part.rowCounts, counts, `scratch database ${name}`);
          found.push(counts);
        }
        return found;
      } finally {
        await dropDatabase(name);
      }
    },
    async dropLeftovers() {
      const names = await withClient(scratch, undefined, async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1',
          [scratchPrefix],
        );
        return rows.map((row) => row.datname);
      });
      for (const name of names) await dropDatabase(name);
      return names;
    },
    async restore(manifest, destination, { force, signal, feed }) {
      const state = await databaseState(connection, destination);
      if (state === 'non_empty' && !force) {
        throw new BackupError(
          'other',
          `backups: database ${destination} exists and has tables; use --force to restore over it`,
        );
      }
      const actions: string[] = [];
      if (state === 'missing') {
        await withClient(connection, undefined, (client) =>
          client.query(`CREATE DATABASE ${pg.escapeIdentifier(destination)}`),
        );
        actions.push(`created database ${destination}`);
      }
      const clean = state === 'non_empty' ? ['--clean', '--if-exists'] : [];
      for (const part of manifest.parts) {
        const args = ['--dbname', destination, '--no-owner', '--exit-on-error', ...clean];
        await feed(part, pgRestore(connection, args, destination, 'other', signal));
        actions.push(
          `restored ${part.file} into database ${destination}${clean.length > 0 ? ' (replacing existing objects)' : ''}`,
        );
      }
      const rowCounts = await withClient(connection, destination, countRows);
      const expected = Object.assign({}, ...manifest.parts.map((p) => p.rowCounts)) as Record<
        string,
        number
      >;
      compareRowCounts(expected, rowCounts, `database ${destination}`);
      actions.push(
        `checked row counts of ${Object.keys(rowCounts).length} tables against the manifest`,
      );
      return { actions, rowCounts };
    },
  };
}
