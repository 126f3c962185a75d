/**
 * PostgreSQL base backup: `pg_basebackup -D - -Ft -X fetch` streamed from stdout over the
 * replication protocol. The tar holds the data directory and the WAL from the backup's start to
 * its end, so a base is consistent on its own; the archive's WAL carries it forward in time.
 * `-v` makes pg_basebackup report the WAL range on stderr; the manifest records it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runChild } from '../child.ts';
import { BackupError, wrap } from '../errors.ts';
import type { ManifestWal } from '../manifest.ts';
import type { BackupSource, SourcePart } from '../source.ts';
import { segmentOfLsn } from '../wal/segments.ts';
import { checkRestorePointGrant, countAtRestorePoint } from './restore-point.ts';
import {
  describeConnection,
  libpqEnv,
  missingTool,
  pgTool,
  type PostgresConnection,
} from './connection.ts';

const run = promisify(execFile);

/** The WAL range in pg_basebackup's verbose output. */
export function parseWalRange(stderr: string): ManifestWal | undefined {
  const start = /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/.exec(
    stderr,
  );
  const stop = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr);
  if (start === null || stop === null) return undefined;
  const [, startLsn = '', tli = ''] = start;
  const stopLsn = stop[1] ?? '';
  const timeline = Number(tli);
  return {
    timeline,
    startLsn,
    stopLsn,
    startSegment: segmentOfLsn(timeline, startLsn).name,
    stopSegment: segmentOfLsn(timeline, stopLsn).name,
  };
}

export function createBasebackupSource(connection: PostgresConnection): BackupSource {
  return {
    target: 'postgres',
    description: { ...describeConnection(connection), method: 'pg_basebackup' },
    async tools(signal) {
      const { stdout } = await run(pgTool(connection, 'pg_basebackup'), ['--version'], {
        signal,
      }).catch((cause: unknown) => {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT')
          throw wrap('dump_failed', missingTool(connection, 'pg_basebackup'), cause);
        throw cause;
      });
      await checkRestorePointGrant(connection);
      return { pgBasebackup: stdout.trim() };
    },
    // One part that needs nothing awaited before it starts; the interface is asynchronous.
    // eslint-disable-next-line @typescript-eslint/require-await
    async *parts(signal) {
      const child = runChild({
        command: pgTool(connection, 'pg_basebackup'),
        missing: missingTool(connection, 'pg_basebackup'),
        args: [
          '--pgdata=-',
          '--format=tar',
          '--wal-method=fetch',
          '--checkpoint=fast',
          '--verbose',
          '--no-password',
        ],
        env: libpqEnv(connection),
        reason: 'dump_failed',
        signal,
      });
      child.stdin.end();
      let range: ManifestWal | undefined;
      const part: SourcePart = {
        name: 'base',
        format: 'pg_basebackup-tar',
        stream: child.stdout,
        failureReason: 'dump_failed',
        async finish() {
          await child.done;
          range = parseWalRange(child.stderr());
          if (range === undefined) {
            throw new BackupError(
              'dump_failed',
              `backups: pg_basebackup did not report its WAL range: ${child.stderr().trim()}`,
            );
          }
          const counted = await countAtRestorePoint(connection);
          range = { ...range, restorePoint: counted.restorePoint };
          return counted.rowCounts;
        },
        walRange() {
          if (range === undefined) throw new Error('backups: WAL range read before finish');
          return range;
        },
        async close() {
          child.kill();
          await child.done.catch(() => undefined);
        },
      };
      yield part;
    },
  };
}
