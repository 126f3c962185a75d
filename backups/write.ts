/**
 * One backup: every part of the source through the pipeline into .tmp/, each committed beside
 * the manifests once its producer finished cleanly, then the manifest, last. On any failure the
 * files written so far are removed and no manifest exists, so nothing half-done counts as a backup.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { TargetDriver } from './driver.ts';
import { BackupError, reasonOf } from './errors.ts';
import {
  backupId,
  manifestSchemaVersion,
  type Manifest,
  type ManifestPart,
  type ManifestWal,
} from './manifest.ts';
import { writeEncrypted } from './pipeline.ts';
import type { OnProgress } from './progress.ts';
import type { Repository } from './repository.ts';
import type { SourcePart } from './source.ts';

export interface WriteContext {
  readonly repository: Repository;
  readonly recipients: readonly string[];
  readonly compressionLevel: number;
  readonly tools: Readonly<Record<string, string>>;
  readonly now: () => Date;
  readonly createSink: (path: string) => Writable;
  readonly signal: AbortSignal;
  readonly onProgress?: OnProgress | undefined;
}

export const defaultSink = (path: string): Writable => createWriteStream(path, { mode: 0o600 });

async function writePart(
  part: SourcePart,
  file: string,
  driver: TargetDriver,
  context: WriteContext,
): Promise<ManifestPart> {
  const sink = context.createSink(context.repository.tempPath(file));
  // The stream that fails first is the cause; the pipeline then destroys the others with it.
  let first: 'source' | 'sink' | undefined;
  part.stream.once('error', () => (first ??= 'source'));
  sink.once('error', () => (first ??= 'sink'));
  let digests;
  try {
    digests = await writeEncrypted({
      source: part.stream,
      sink,
      recipients: context.recipients,
      compressionLevel: context.compressionLevel,
      compressed: part.compressed,
      signal: context.signal,
      onProgress: (bytes) =>
        context.onProgress?.({ phase: 'backup', target: driver.target, part: part.name, bytes }),
    });
  } catch (cause) {
    const known = reasonOf(cause);
    let reason = known;
    if (context.signal.aborted) reason = 'cancelled';
    else if (known === 'other') reason = first === 'sink' ? 'write_failed' : part.failureReason;
    throw new BackupError(reason, `backups: writing ${file} failed: ${(cause as Error).message}`, {
      cause,
    });
  }
  const rowCounts = await part.finish(digests.plain);
  await context.repository.commitData(file, file);
  return {
    file,
    format: part.format,
    ...(part.collection === undefined ? {} : { collection: part.collection }),
    ...(part.aliases === undefined ? {} : { aliases: [...part.aliases] }),
    plain: digests.plain,
    ...(part.compressed === undefined ? {} : { sourceCompressed: part.compressed }),
    stored: digests.stored,
    rowCounts,
  };
}

export async function writeBackup(driver: TargetDriver, context: WriteContext): Promise<Manifest> {
  const { repository, signal } = context;
  const startedAt = context.now();
  const id = backupId(driver.target, startedAt);
  if (context.recipients.length === 0) {
    throw new BackupError(
      'other',
      'backups: no recipients to encrypt to (AIDB_BACKUP_RECIPIENTS, or AIDB_BACKUP_IDENTITY to derive one)',
    );
  }
  const parts: ManifestPart[] = [];
  let wal: ManifestWal | undefined;
  let current: string | undefined;
  try {
    const tools = { ...context.tools, ...(await driver.source.tools(signal)) };
    for await (const part of driver.source.parts(signal, {
      compressionLevel: context.compressionLevel,
    })) {
      current = `${id}.${part.name}.zst.age`;
      try {
        parts.push(await writePart(part, current, driver, context));
        wal ??= part.walRange?.();
      } finally {
        await part.close();
      }
    }
    if (parts.length === 0) {
      throw new BackupError('other', `backups: the ${driver.target} source produced nothing`);
    }
    const manifest: Manifest = {
      schemaVersion: manifestSchemaVersion,
      id,
      target: driver.target,
      startedAt: startedAt.toISOString(),
      finishedAt: context.now().toISOString(),
      source: { ...driver.source.description },
      tools,
      compression: { algorithm: 'zstd', level: context.compressionLevel },
      encryption: { format: 'age', recipients: [...context.recipients] },
      parts,
      ...(wal === undefined ? {} : { wal }),
      verifications: [],
    };
    await repository.writeManifest(manifest);
    return manifest;
  } catch (error) {
    const leftovers = [...parts.map((p) => repository.dataPath(p.file))];
    if (current !== undefined) leftovers.push(repository.tempPath(current));
    await Promise.all(leftovers.map((path) => rm(path, { force: true })));
    throw error;
  }
}
