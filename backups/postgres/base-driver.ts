/**
 * The PostgreSQL driver when point-in-time recovery is on: new backups are base backups
 * (basebackup.ts); logical dumps already in the repository are still checked and restored by
 * the dump driver. A base restores into a data directory (`tar -x`, never through a plain file
 * on disk); the recovery settings that replay the WAL archive are written by
 * bin/commands/backup-pitr.ts. Level 2 recovers it in a scratch directory (pitr/verify-base.ts).
 */
import { readdir } from 'node:fs/promises';
import { streamConsumer, type TargetDriver } from '../driver.ts';
import { BackupError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import {
  level2Server,
  removeScratchLeftovers,
  verifyBaseInScratch,
  type BaseVerifyOptions,
} from '../pitr/verify-base.ts';
import { createTarReader } from '../tar.ts';
import { createBasebackupSource } from './basebackup.ts';
import { createPostgresDriver, type PostgresDriverOptions } from './driver.ts';
import { extractBase } from './extract-base.ts';

export interface BaseBackupDriverOptions extends PostgresDriverOptions {
  /** What level 2 of a base needs; absent where nothing is verified (a restore-only driver). */
  readonly verify?: Omit<BaseVerifyOptions, 'connection' | 'prefix'> | undefined;
}

const isBase = (manifest: Manifest): boolean =>
  manifest.parts.some((part) => part.format === 'pg_basebackup-tar');

async function directoryState(path: string): Promise<'missing' | 'empty' | 'non_empty'> {
  try {
    return (await readdir(path)).length === 0 ? 'empty' : 'non_empty';
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw cause;
  }
}

export function createBaseBackupDriver(options: BaseBackupDriverOptions): TargetDriver {
  const dump = createPostgresDriver(options);
  const { verify } = options;
  const verifyOptions = (): NonNullable<BaseBackupDriverOptions['verify']> => {
    if (verify !== undefined) return verify;
    throw new BackupError(
      'other',
      'backups: level 2 of a base backup needs PITR on (AIDB_BACKUP_PITR), for the WAL archive it replays',
    );
  };
  return {
    target: 'postgres',
    source: createBasebackupSource(options.connection),
    archiveReader(part, signal) {
      if (part.format !== 'pg_basebackup-tar') return dump.archiveReader(part, signal);
      return streamConsumer(createTarReader());
    },
    async canRestoreInScratch(manifest) {
      if (isBase(manifest)) await level2Server(verifyOptions());
    },
    async scratchRestore(manifest, feed, signal) {
      if (!isBase(manifest)) return dump.scratchRestore(manifest, feed, signal);
      return verifyBaseInScratch(manifest, feed, signal, {
        ...verifyOptions(),
        prefix: options.scratchPrefix,
        connection: options.connection,
      });
    },
    async dropLeftovers(signal) {
      const dirs =
        verify === undefined
          ? []
          : await removeScratchLeftovers(verify.scratchDir, options.scratchPrefix);
      return [...dirs, ...(await dump.dropLeftovers(signal))];
    },
    async restore(manifest, destination, restoreOptions) {
      if (!isBase(manifest)) return dump.restore(manifest, destination, restoreOptions);
      const state = await directoryState(destination);
      if (state === 'non_empty') {
        // A data directory is never restored over: PostgreSQL would mix two clusters' files.
        throw new BackupError(
          'other',
          `backups: ${destination} is not empty; restore a base backup into a new or empty directory`,
        );
      }
      const actions = await extractBase(
        manifest,
        destination,
        restoreOptions.feed,
        restoreOptions.signal,
      );
      return { actions, rowCounts: {} };
    },
  };
}
