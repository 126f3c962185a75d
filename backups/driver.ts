import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Manifest, ManifestPart } from './manifest.ts';
import type { BackupSource } from './source.ts';
import { checkFailed } from './errors.ts';
import type { BackupTarget } from '../catalog/labels.ts';

/** Something that reads a plain stream: `done` settles once it has judged all of it. */
export interface Consumer {
  readonly stream: Writable;
  readonly done: Promise<void>;
}

/** Streams a part's plain bytes (decrypted, decompressed, digests checked) into a consumer. */
export type Feed = (part: ManifestPart, consumer: Consumer) => Promise<void>;

export interface RestoreOptions {
  /** Replace an existing, non-empty destination. */
  readonly force: boolean;
  readonly signal: AbortSignal;
  readonly feed: Feed;
}

export interface RestoreReport {
  /** What was written where, one line each, for the operator. */
  readonly actions: readonly string[];
  /** Rows per table found after the restore. */
  readonly rowCounts: Readonly<Record<string, number>>;
}

/** Everything target-specific: where backups come from, how they are checked and restored. */
export interface TargetDriver {
  readonly target: BackupTarget;
  readonly source: BackupSource;
  /** Level 1: reads the whole archive of a part and fails on anything malformed. */
  archiveReader(part: ManifestPart, signal: AbortSignal): Consumer;
  /**
   * Level 2: restores into a scratch place, returns the row counts found there per part, and
   * removes the scratch place, also on failure.
   */
  scratchRestore(
    manifest: Manifest,
    feed: Feed,
    signal: AbortSignal,
  ): Promise<readonly Record<string, number>[]>;
  /**
   * Level 2: throws when this installation cannot run it at all (a missing tool, no user to run
   * it as). Like a missing key, that says nothing about the backup, so nothing is recorded.
   */
  canRestoreInScratch?(manifest: Manifest): Promise<void>;
  /** Removes scratch places left by a crashed level-2 run; returns their names. */
  dropLeftovers(signal: AbortSignal): Promise<readonly string[]>;
  restore(manifest: Manifest, destination: string, options: RestoreOptions): Promise<RestoreReport>;
}

/** A consumer that is only a Writable (no child process behind it). */
export function streamConsumer(stream: Writable): Consumer {
  const done = finished(stream);
  done.catch(() => undefined);
  return { stream, done };
}

/** Compares counts found after a restore with the manifest's; the message names each difference. */
export function compareRowCounts(
  expected: Readonly<Record<string, number>>,
  actual: Readonly<Record<string, number>>,
  where: string,
): void {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differences = names
    .filter((name) => expected[name] !== actual[name])
    .map(
      (name) =>
        `${name}: expected ${expected[name] ?? 'absent'}, found ${actual[name] ?? 'absent'}`,
    );
  if (differences.length > 0) {
    throw checkFailed(
      'row_count_mismatch',
      `row counts differ in ${where}: ${differences.join('; ')}`,
    );
  }
}
