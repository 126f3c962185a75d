/**
 * Qdrant source: for every collection (all, or the configured list), one part: create a
 * snapshot, stream it down, check it against the checksum Qdrant published, record the
 * collection's aliases and point count, and delete the server-side snapshot, also on failure.
 * A failing collection fails the whole run: a backup with some collections missing would look
 * complete and is not.
 */
import { BackupError } from '../errors.ts';
import type { BackupSource, SourcePart } from '../source.ts';
import type { QdrantApi } from './api.ts';

export interface QdrantSourceOptions {
  readonly api: QdrantApi;
  readonly url: string;
  /** Collections to copy; empty means every collection. */
  readonly collections: readonly string[];
}

export function createQdrantSource(options: QdrantSourceOptions): BackupSource {
  const { api } = options;
  return {
    target: 'qdrant',
    description: { url: options.url, collections: options.collections.join(',') || '(all)' },
    tools: () => Promise.resolve({ qdrant: 'snapshot API' }),
    async *parts(signal) {
      const names =
        options.collections.length > 0 ? [...options.collections] : await api.collections(signal);
      const aliases = await api.aliases(signal);
      for (const [index, collection] of names.entries()) {
        const points = await api.count(collection, signal);
        if (points === undefined) {
          throw new BackupError(
            'snapshot_failed',
            `backups: Qdrant collection ${collection} does not exist`,
          );
        }
        const snapshot = await api.createSnapshot(collection, signal);
        const deleteSnapshot = async (): Promise<void> => {
          // Cleanup must happen even when the run was cancelled, so it gets its own signal.
          await api.deleteSnapshot(collection, snapshot.name, AbortSignal.timeout(60_000));
        };
        let stream;
        try {
          stream = await api.downloadSnapshot(collection, snapshot.name, signal);
        } catch (error) {
          await deleteSnapshot().catch(() => undefined);
          throw error;
        }
        const part: SourcePart = {
          name: `collection-${index + 1}`,
          format: 'qdrant-snapshot',
          collection,
          aliases: aliases
            .filter((a) => a.collection_name === collection)
            .map((a) => a.alias_name)
            .sort(),
          stream,
          failureReason: 'snapshot_failed',
          finish(plain) {
            const expected = snapshot.checksum ?? undefined;
            if (expected !== undefined && expected !== plain.sha256) {
              return Promise.reject(
                new BackupError(
                  'snapshot_failed',
                  `backups: snapshot ${snapshot.name} of ${collection} has SHA-256 ${plain.sha256}, Qdrant published ${expected}`,
                ),
              );
            }
            return Promise.resolve({ points });
          },
          async close() {
            stream.destroy();
            await deleteSnapshot();
          },
        };
        yield part;
      }
    },
  };
}
