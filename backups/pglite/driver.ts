/**
 * PGlite checks and restores. Level 1 reads the whole tar. Level 2 loads it into a fresh
 * in-memory PGlite (`loadDataDir`) and counts rows. A restore writes a PGlite data directory the
 * service can open; it refuses a non-empty directory unless forced. PGlite loads a dump from a
 * Blob, so the plain tar goes to a file in the repository's .tmp/ first (a file-backed Blob,
 * not memory), and is removed afterwards.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { compareRowCounts, streamConsumer, type Feed, type TargetDriver } from '../driver.ts';
import { BackupError, checkFailed } from '../errors.ts';
import type { Manifest, ManifestPart } from '../manifest.ts';
import { countRows } from '../postgres/row-counts.ts';
import { createTarReader } from '../tar.ts';
import { createPgliteSource, type PgliteSourceOptions } from './source.ts';

export interface PgliteDriverOptions extends PgliteSourceOptions {
  /** Where the plain tar is staged (the repository's .tmp/). */
  readonly tempPath: (name: string) => string;
}

async function withLoaded<T>(
  part: ManifestPart,
  feed: Feed,
  options: PgliteDriverOptions,
  dataDir: string | undefined,
  use: (db: PGlite) => Promise<T>,
): Promise<T> {
  const staged = options.tempPath(`${randomBytes(6).toString('hex')}.tar`);
  try {
    await feed(part, streamConsumer(createWriteStream(staged, { mode: 0o600 })));
    let db: PGlite;
    try {
      db = await PGlite.create({
        ...(dataDir === undefined ? {} : { dataDir }),
        loadDataDir: await openAsBlob(staged),
        extensions: { vector },
      });
    } catch (cause) {
      throw checkFailed(
        'load_failed',
        `PGlite cannot load ${part.file}: ${(cause as Error).message}`,
        cause,
      );
    }
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  } finally {
    await rm(staged, { force: true });
  }
}

/**
 * The counts of the tables the service reported (collections, documents, chunks); PGlite's own
 * bookkeeping tables (migrations) are not in its header.
 */
function listed(counts: Record<string, number>, part: ManifestPart): Record<string, number> {
  return Object.fromEntries(
    Object.keys(part.rowCounts).map((table) => [table, counts[table] ?? -1]),
  );
}

function onlyPart(manifest: Manifest): ManifestPart {
  const [part, ...rest] = manifest.parts;
  if (part === undefined || rest.length > 0) {
    throw new BackupError(
      'other',
      `backups: ${manifest.id} should have one part, has ${manifest.parts.length}`,
    );
  }
  return part;
}

export function createPgliteDriver(options: PgliteDriverOptions): TargetDriver {
  return {
    target: 'pglite',
    source: createPgliteSource(options),
    archiveReader: () => streamConsumer(createTarReader()),
    async scratchRestore(manifest, feed) {
      const part = onlyPart(manifest);
      const counts = await withLoaded(part, feed, options, undefined, countRows);
      compareRowCounts(part.rowCounts, listed(counts, part), 'the in-memory PGlite');
      return [counts];
    },
    // Scratch databases live in memory and die with the process: nothing can be left over.
    dropLeftovers: () => Promise.resolve([]),
    async restore(manifest, destination, { force, feed }) {
      const part = onlyPart(manifest);
      const existing = await readdir(destination).catch(() => [] as string[]);
      if (existing.length > 0 && !force) {
        throw new BackupError(
          'other',
          `backups: ${destination} is not empty; use --force to replace it`,
        );
      }
      const actions: string[] = [];
      if (existing.length > 0) {
        await rm(destination, { recursive: true, force: true });
        actions.push(`removed the previous contents of ${destination}`);
      }
      await mkdir(destination, { recursive: true, mode: 0o700 });
      const rowCounts = await withLoaded(part, feed, options, destination, countRows);
      compareRowCounts(part.rowCounts, listed(rowCounts, part), destination);
      actions.push(`wrote a PGlite data directory to ${destination} from ${part.file}`);
      actions.push(
        `checked row counts of ${Object.keys(part.rowCounts).length} tables against the manifest`,
      );
      return { actions, rowCounts };
    },
  };
}
