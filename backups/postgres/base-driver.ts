/**
 * The PostgreSQL driver when point-in-time recovery is on: new backups are base backups
 * (basebackup.ts); logical dumps already in the repository are still checked and restored by
 * the dump driver. A base restores into a data directory (`tar -x`, never through a plain file
 * on disk); the recovery settings that replay the WAL archive are written by pitr/restore.ts.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { runChild } from '../child.ts';
import { streamConsumer, type TargetDriver } from '../driver.ts';
import { BackupError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { createTarReader } from '../tar.ts';
import { createBasebackupSource } from './basebackup.ts';
import { createPostgresDriver, type PostgresDriverOptions } from './driver.ts';

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

export function createBaseBackupDriver(options: PostgresDriverOptions): TargetDriver {
  const dump = createPostgresDriver(options);
  return {
    target: 'postgres',
    source: createBasebackupSource(options.connection),
    archiveReader(part, signal) {
      if (part.format !== 'pg_basebackup-tar') return dump.archiveReader(part, signal);
      return streamConsumer(createTarReader());
    },
    async scratchRestore(manifest, feed, signal) {
      if (!isBase(manifest)) return dump.scratchRestore(manifest, feed, signal);
      throw new BackupError(
        'verify_failed',
        'backups: level 2 of a base backup is a recovery: run `aidb backup restore --to-time latest --target <scratch dir>` and start PostgreSQL on it (not automated yet)',
      );
    },
    dropLeftovers: (signal) => dump.dropLeftovers(signal),
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
      await mkdir(destination, { recursive: true, mode: 0o700 });
      const actions: string[] = [];
      for (const part of manifest.parts) {
        const tar = runChild({
          command: 'tar',
          args: ['--extract', '--file=-', '--no-same-owner', `--directory=${destination}`],
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          reason: 'other',
          signal: restoreOptions.signal,
          missing: 'backups: tar not found on PATH; install it (Debian package tar)',
        });
        tar.stdout.resume();
        await restoreOptions.feed(part, { stream: tar.stdin, done: tar.done });
        actions.push(`extracted ${part.file} into ${destination}`);
      }
      return { actions, rowCounts: {} };
    },
  };
}
