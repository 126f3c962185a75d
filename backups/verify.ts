/**
 * Verification of a stored backup. Level 1 (after every backup): each file's size and SHA-256,
 * then decrypt, decompress and read the whole archive, checking the plain stream's SHA-256 too.
 * Level 2 (scheduled): restore into a scratch place and compare row counts with the manifest.
 * The result is appended to the manifest (rewritten atomically) whatever it is, except when no
 * configured identity can open the backup at all: that says nothing about the backup.
 */
import type { Logger } from 'pino';
import { recipientOf } from './age.ts';
import type { Consumer, Feed, TargetDriver } from './driver.ts';
import { BackupError, reasonOf } from './errors.ts';
import type { Manifest, ManifestPart, Verification } from './manifest.ts';
import { checkStoredDigest, readDecrypted } from './pipeline.ts';
import type { OnProgress } from './progress.ts';
import type { Repository } from './repository.ts';

export interface VerifyContext {
  readonly repository: Repository;
  /** The configured identities; empty when none are. */
  readonly identities: readonly string[];
  readonly logger: Logger;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  readonly onProgress?: OnProgress | undefined;
}

export function requireIdentity(identities: readonly string[]): readonly string[] {
  if (identities.length === 0) {
    throw new BackupError(
      'other',
      'backups: no age identity configured (AIDB_BACKUP_IDENTITY or AIDB_BACKUP_IDENTITY_FILE)',
    );
  }
  return identities;
}

/**
 * Refuses a backup none of the identities can open, before anything reads or records: a
 * verification that fails for want of the key proves nothing about the backup, and recording
 * it as failed would let retention delete a good backup. Names the recipient the backup needs.
 */
export async function checkRecipients(
  manifest: Manifest,
  identities: readonly string[],
): Promise<void> {
  const mine = await Promise.all(requireIdentity(identities).map(recipientOf));
  const needed = manifest.encryption.recipients;
  if (needed.some((recipient) => mine.includes(recipient))) return;
  throw new BackupError(
    'other',
    `backups: ${manifest.id} is encrypted to ${needed.join(', ')}; no configured identity (${mine.join(', ')}) is one of its recipients: set AIDB_BACKUP_IDENTITY or AIDB_BACKUP_IDENTITY_FILE to its identity (nothing was recorded)`,
  );
}

/**
 * Streams a part into a consumer. A failed check of the stream (digest, decryption) explains
 * more than the consumer's complaint about the broken input it then saw, so it wins.
 */
export function createFeed(
  manifest: Manifest,
  context: VerifyContext,
  phase: 'verify' | 'restore',
): Feed {
  const identities = requireIdentity(context.identities);
  return async (part: ManifestPart, consumer: Consumer) => {
    const reading = readDecrypted({
      path: context.repository.dataPath(part.file),
      part,
      identities,
      consumer: consumer.stream,
      signal: context.signal,
      onProgress: (bytes) =>
        context.onProgress?.({
          phase,
          target: manifest.target,
          part: part.file,
          bytes,
          totalBytes: part.stored.bytes,
        }),
    });
    const [read, consumed] = await Promise.allSettled([reading, consumer.done]);
    if (read.status === 'rejected' && read.reason instanceof BackupError) throw read.reason;
    if (consumed.status === 'rejected') throw consumed.reason;
    if (read.status === 'rejected') throw read.reason;
  };
}

/** Checks every file's size and SHA-256 against the manifest, before anything reads them. */
export async function checkStoredFiles(manifest: Manifest, context: VerifyContext): Promise<void> {
  for (const part of manifest.parts) {
    await checkStoredDigest(context.repository.dataPath(part.file), part, context.signal, (bytes) =>
      context.onProgress?.({
        phase: 'checksum',
        target: manifest.target,
        part: part.file,
        bytes,
        totalBytes: part.stored.bytes,
      }),
    );
  }
}

async function check(
  manifest: Manifest,
  level: Verification['level'],
  driver: TargetDriver,
  context: VerifyContext,
): Promise<void> {
  await checkStoredFiles(manifest, context);
  const feed = createFeed(manifest, context, 'verify');
  if (level === '1') {
    for (const part of manifest.parts) await feed(part, driver.archiveReader(part, context.signal));
    return;
  }
  const leftovers = await driver.dropLeftovers(context.signal);
  if (leftovers.length > 0) context.logger.warn({ leftovers }, 'dropped scratch leftovers');
  await driver.scratchRestore(manifest, feed, context.signal);
}

/** Runs a verification and records its result in the manifest; returns the updated manifest. */
export async function verifyBackup(
  manifest: Manifest,
  level: Verification['level'],
  driver: TargetDriver,
  context: VerifyContext,
): Promise<{ readonly manifest: Manifest; readonly verification: Verification }> {
  await checkRecipients(manifest, context.identities);
  if (level === '2') await driver.canRestoreInScratch?.(manifest);
  const started = context.now();
  let verification: Verification;
  try {
    await check(manifest, level, driver, context);
    verification = { level, at: started.toISOString(), ok: true, durationSeconds: 0 };
  } catch (error) {
    // A cancelled verification says nothing about the backup: record nothing.
    if (context.signal.aborted) throw error;
    const reason =
      error instanceof BackupError && error.check !== undefined ? error.check : reasonOf(error);
    verification = {
      level,
      at: started.toISOString(),
      ok: false,
      reason,
      detail: (error as Error).message,
      durationSeconds: 0,
    };
  }
  verification = {
    ...verification,
    durationSeconds: (context.now().getTime() - started.getTime()) / 1000,
  };
  const updated: Manifest = {
    ...manifest,
    verifications: [...manifest.verifications, verification],
  };
  await context.repository.writeManifest(updated);
  const log = verification.ok
    ? context.logger.info.bind(context.logger)
    : context.logger.error.bind(context.logger);
  log(
    { id: manifest.id, level, ok: verification.ok, reason: verification.reason },
    'backup verified',
  );
  return { manifest: updated, verification };
}
