/**
 * PostgreSQL base backup: `pg_basebackup -D - -Ft -X fetch` streamed from stdout over the
 * replication protocol. The tar holds the data directory and the WAL from the backup's start to
 * its end, so a base is consistent on its own; the archive's WAL carries it forward in time.
 * `-v` makes pg_basebackup report the WAL range on stderr; the manifest records it.
 * With PostgreSQL 15 on both ends the server compresses the tar (`--compress=server-zstd`), so
 * the walsender does the zstd work beside the pipeline instead of the pipeline's own thread.
 */
import { runChild } from '../child.ts';
import { BackupError } from '../errors.ts';
import type { ManifestWal } from '../manifest.ts';
import type { BackupSource, PartsOptions, SourcePart } from '../source.ts';
import { segmentOfLsn } from '../wal/segments.ts';
import { checkRestorePointGrant, countAtRestorePoint } from './restore-point.ts';
import {
  connectPostgres,
  describeConnection,
  libpqEnv,
  missingTool,
  pgTool,
  toolVersion,
  type PostgresConnection,
} from './connection.ts';

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

/**
 * Whether the server can compress the tar: `--compress=server-` and BASE_BACKUP's COMPRESSION
 * option came with PostgreSQL 15, on the client and the server alike.
 */
export function canCompressOnServer(clientVersion: string, serverVersionNum: number): boolean {
  const major = Number(/\(PostgreSQL\) (\d+)/.exec(clientVersion)?.[1] ?? 0);
  return major >= 15 && serverVersionNum >= 150000;
}

/**
 * pg_basebackup's arguments. Server-compressed, without backup_manifest: with `-D -` it would
 * have to parse the tar to inject that file, which it refuses for a compressed stream. Nothing
 * reads it; the manifest's SHA-256 and level 2's recovery check a base instead.
 */
export function basebackupArgs(serverZstdLevel: number | undefined): string[] {
  const compress =
    serverZstdLevel === undefined
      ? []
      : [`--compress=server-zstd:level=${String(serverZstdLevel)}`, '--no-manifest'];
  const fixed = ['--pgdata=-', '--format=tar', '--wal-method=fetch', '--checkpoint=fast'];
  return [...fixed, ...compress, '--verbose', '--no-password'];
}

async function serverVersionNum(connection: PostgresConnection): Promise<number> {
  const client = await connectPostgres(connection, 'dump_failed');
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT current_setting('server_version_num') AS n",
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function createBasebackupSource(connection: PostgresConnection): BackupSource {
  return {
    target: 'postgres',
    description: { ...describeConnection(connection), method: 'pg_basebackup' },
    async tools(signal) {
      const version = await toolVersion(connection, 'pg_basebackup', signal);
      await checkRestorePointGrant(connection);
      return { pgBasebackup: version };
    },
    async *parts(signal, { compressionLevel }: PartsOptions) {
      // Older servers or clients: the pipeline compresses, as before.
      const onServer = canCompressOnServer(
        await toolVersion(connection, 'pg_basebackup', signal),
        await serverVersionNum(connection),
      );
      const child = runChild({
        command: pgTool(connection, 'pg_basebackup'),
        missing: missingTool(connection, 'pg_basebackup'),
        args: basebackupArgs(onServer ? compressionLevel : undefined),
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
        ...(onServer ? { compressed: 'zstd' as const } : {}),
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
