/**
 * PostgreSQL source: `pg_dump --format=custom` streamed from stdout. The dump runs in a snapshot
 * exported by a REPEATABLE READ transaction that also counts the rows of every table, so the
 * manifest's table of contents matches the dump exactly even while the service writes.
 * pg_dump compresses nothing (`--compress=0`): zstd does it after, faster than pg_dump's gzip.
 */
import { runChild } from '../child.ts';
import { wrap } from '../errors.ts';
import type { BackupSource, SourcePart } from '../source.ts';
import {
  connectPostgres,
  toolVersion,
  describeConnection,
  libpqEnv,
  pgTool,
  type PostgresConnection,
} from './connection.ts';
import { countRows } from './row-counts.ts';

export function createPostgresSource(connection: PostgresConnection): BackupSource {
  return {
    target: 'postgres',
    description: describeConnection(connection),
    async tools(signal) {
      const version = await toolVersion(connection, 'pg_dump', signal);
      const client = await connectPostgres(connection, 'dump_failed');
      try {
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        return { pgDump: version, server: rows[0]?.server_version ?? '' };
      } finally {
        await client.end();
      }
    },
    async *parts(signal) {
      const client = await connectPostgres(connection, 'dump_failed');
      let snapshot: string;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
        snapshot = rows[0]?.id ?? '';
      } catch (cause) {
        await client.end().catch(() => undefined);
        throw wrap('dump_failed', 'backups: cannot export a snapshot for pg_dump', cause);
      }
      const dump = runChild({
        command: pgTool(connection, 'pg_dump'),
        args: ['--format=custom', '--compress=0', `--snapshot=${snapshot}`, '--no-password'],
        env: libpqEnv(connection),
        reason: 'dump_failed',
        signal,
      });
      dump.stdin.end();
      // Counting runs beside the dump, on the other core, in the very snapshot pg_dump reads.
      const counts = countRows(client);
      counts.catch(() => undefined);
      const part: SourcePart = {
        name: 'dump',
        format: 'pg_dump-custom',
        stream: dump.stdout,
        failureReason: 'dump_failed',
        async finish() {
          await dump.done;
          try {
            return await counts;
          } catch (cause) {
            throw wrap('dump_failed', 'backups: cannot count rows in the dump snapshot', cause);
          }
        },
        async close() {
          dump.kill();
          await dump.done.catch(() => undefined);
          await counts.catch(() => undefined);
          await client.query('ROLLBACK').catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
      yield part;
    },
  };
}
