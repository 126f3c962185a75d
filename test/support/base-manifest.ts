import type { Manifest } from '../../backups/manifest.ts';
import { segmentName } from '../../backups/wal/segments.ts';

export interface Digest {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * A PostgreSQL base backup's manifest started at `startedAt`, needing WAL from `stopSegment` on,
 * with one level-1 verification (`ok`) and one data file of the given digest.
 */
export function baseManifest(options: {
  readonly startedAt: string;
  readonly stopSegment: number;
  readonly stored: Digest;
  readonly ok?: boolean;
}): Manifest {
  const { startedAt, stopSegment, stored } = options;
  const id = `postgres-${startedAt.replace(/[-:.]/g, '')}`;
  return {
    schemaVersion: 1,
    id,
    target: 'postgres',
    startedAt,
    finishedAt: startedAt,
    source: {},
    tools: {},
    compression: { algorithm: 'zstd', level: 3 },
    encryption: { format: 'age', recipients: ['age1x'] },
    parts: [
      {
        file: `${id}.base.zst.age`,
        format: 'pg_basebackup-tar',
        plain: stored,
        stored,
        rowCounts: {},
      },
    ],
    wal: {
      timeline: 1,
      startLsn: '0/1000000',
      stopLsn: '0/1000100',
      startSegment: segmentName(1, stopSegment),
      stopSegment: segmentName(1, stopSegment),
    },
    verifications: [{ level: '1', at: startedAt, ok: options.ok ?? true, durationSeconds: 1 }],
  };
}
