/**
 * Qdrant checks and restores. A snapshot is a tar archive: level 1 reads all of it. Level 2 and
 * restores upload the snapshot (`POST …/snapshots/upload?priority=snapshot`, checksum attached so
 * Qdrant checks it too) and count the points. Uploads need a Blob, so the plain snapshot is
 * staged in the repository's .tmp/ (file-backed, not memory) and removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { compareRowCounts, streamConsumer, type Feed, type TargetDriver } from '../driver.ts';
import { BackupError } from '../errors.ts';
import type { ManifestPart } from '../manifest.ts';
import { createTarReader } from '../tar.ts';
import type { QdrantApi } from './api.ts';
import { createQdrantSource } from './source.ts';

export interface QdrantDriverOptions {
  readonly api: QdrantApi;
  readonly url: string;
  readonly collections: readonly string[];
  readonly scratchPrefix: string;
  readonly tempPath: (name: string) => string;
}

/** Restores every collection under its original name, with its aliases. */
export const originalNames = 'original';

export function createQdrantDriver(options: QdrantDriverOptions): TargetDriver {
  const { api } = options;

  async function upload(
    part: ManifestPart,
    collection: string,
    feed: Feed,
    signal: AbortSignal,
  ): Promise<number> {
    const staged = options.tempPath(`${randomBytes(6).toString('hex')}.snapshot`);
    try {
      await feed(part, streamConsumer(createWriteStream(staged, { mode: 0o600 })));
      await api.uploadSnapshot(collection, await openAsBlob(staged), part.plain.sha256, signal);
    } finally {
      await rm(staged, { force: true });
    }
    return (await api.count(collection, signal)) ?? 0;
  }

  return {
    target: 'qdrant',
    source: createQdrantSource(options),
    archiveReader: () => streamConsumer(createTarReader()),
    async scratchRestore(manifest, feed, signal) {
      const found: Record<string, number>[] = [];
      for (const part of manifest.parts) {
        const scratch = `${options.scratchPrefix}${randomBytes(6).toString('hex')}`;
        try {
          const counts = { points: await upload(part, scratch, feed, signal) };
          compareRowCounts(
            part.rowCounts,
            counts,
            `scratch collection ${scratch} (${part.collection ?? ''})`,
          );
          found.push(counts);
        } finally {
          await api.deleteCollection(scratch, AbortSignal.timeout(60_000)).catch(() => undefined);
        }
      }
      return found;
    },
    async dropLeftovers(signal) {
      const leftovers = (await api.collections(signal)).filter((name) =>
        name.startsWith(options.scratchPrefix),
      );
      for (const name of leftovers) await api.deleteCollection(name, signal);
      return leftovers;
    },
    async restore(manifest, destination, { force, signal, feed }) {
      const original = destination === originalNames;
      if (!original && manifest.parts.length !== 1) {
        throw new BackupError(
          'other',
          `backups: ${manifest.id} holds ${manifest.parts.length} collections; restore them with --target ${originalNames}`,
        );
      }
      const plan = manifest.parts.map((part) => ({
        part,
        collection: original ? (part.collection ?? '') : destination,
      }));
      for (const { collection } of plan) {
        const points = await api.count(collection, signal);
        if (points !== undefined && points > 0 && !force) {
          throw new BackupError(
            'other',
            `backups: Qdrant collection ${collection} exists and has ${points} points; use --force to replace it`,
          );
        }
      }
      const actions: string[] = [];
      const rowCounts: Record<string, number> = {};
      for (const { part, collection } of plan) {
        const points = await upload(part, collection, feed, signal);
        compareRowCounts(part.rowCounts, { points }, `collection ${collection}`);
        rowCounts[collection] = points;
        actions.push(
          `recovered collection ${collection} (${points} points) from ${part.file} with priority=snapshot`,
        );
        if (original && part.aliases !== undefined && part.aliases.length > 0) {
          await api.createAliases(
            part.aliases.map((alias) => ({ alias_name: alias, collection_name: collection })),
            signal,
          );
          actions.push(`pointed aliases ${part.aliases.join(', ')} at ${collection}`);
        }
      }
      return { actions, rowCounts };
    },
  };
}
