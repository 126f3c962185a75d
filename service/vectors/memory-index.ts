import type pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import type { HydratedHit, Metadata } from '../store/documents.ts';
import { withClient, type Sql } from '../store/sql.ts';
import { CollectionVectors, type ScanKernel } from './collection-vectors.ts';
import { readSnapshot, removeSnapshot, writeSnapshot } from './snapshot-file.ts';
import { prepareStoreGeneration, readStoreGeneration } from './store-generation.ts';
import { loadCollection } from './store-vectors.ts';
import { preview } from './preview.ts';
import type {
  IndexedCollection,
  IndexedDocument,
  VectorIndex,
  VectorQuery,
} from './vector-index.ts';

/**
 * Exact search in process over a Float32Array per collection: the embedded profile's index.
 *
 * The chunks table stays the store of record; these vectors are a copy kept in memory, with what
 * a result shows (title, metadata, the start of the chunk's text), so a search answers without
 * a query to the store. Writes reach the copy only after their transaction committed
 * (`afterCommit`), and deletes are applied before they are acknowledged (`remove`), so it never
 * holds what the store does not. It is only used where this process alone writes the store
 * (PGlite). At start-up the copy comes from a snapshot file when
 * it carries the store's current generation (see store-generation.ts), else from the chunks
 * table; the file is written again at a clean shutdown. Exact search means recall 1.0 and no
 * catch-up queue: bench/vector-engines.ts measured it against HNSW graphs.
 */

export interface MemoryIndexDeps {
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** Where the index is saved between runs; derived data, safe to delete. */
  readonly snapshotPath: string;
  readonly kernel: ScanKernel;
  /** Characters of each chunk's text kept for results: at least what a result shows. */
  readonly previewLength: number;
}

/** `metadata @> filter` for flat metadata: every filter key present with an equal value. */
function matches(metadata: Metadata, filter: Metadata): boolean {
  for (const key in filter)
    if (!Object.hasOwn(metadata, key) || metadata[key] !== filter[key]) return false;
  return true;
}

export function createMemoryIndex({
  pool,
  logger,
  snapshotPath,
  kernel,
  previewLength,
}: MemoryIndexDeps): VectorIndex & { searchHydrated: NonNullable<VectorIndex['searchHydrated']> } {
  // Loaded collections, and those being read from the store (a write waits for its read).
  const ready = new Map<number, CollectionVectors>();
  const loading = new Map<number, Promise<CollectionVectors>>();

  /** The collection's vectors, read from the store the first time they are needed. */
  async function vectorsOf(collection: IndexedCollection): Promise<CollectionVectors> {
    const loaded = ready.get(collection.id);
    if (loaded !== undefined) return loaded;
    let pending = loading.get(collection.id);
    if (pending === undefined) {
      pending = loadCollection(pool, collection, previewLength);
      loading.set(collection.id, pending);
      // A failed read is not kept: the next call tries again.
      pending.then(
        (vectors) => {
          if (loading.get(collection.id) === pending) ready.set(collection.id, vectors);
        },
        () => undefined,
      );
      void pending.finally(() => loading.delete(collection.id)).catch(() => undefined);
    }
    return pending;
  }

  /** Runs a write on the collection's vectors now, after their read, or not at all when they
   * were never read (the read, later, finds the committed rows in the store). */
  function whenLoaded(id: number, write: (vectors: CollectionVectors) => void): Promise<void> {
    const loaded = ready.get(id);
    if (loaded !== undefined) {
      write(loaded);
      return Promise.resolve();
    }
    return loading.get(id)?.then(write, () => undefined) ?? Promise.resolve();
  }

  async function restore(sql: Sql, generation: string): Promise<void> {
    const read = await readSnapshot(snapshotPath);
    const reason = !read.ok
      ? read.reason
      : read.snapshot.generation !== generation
        ? 'stale'
        : undefined;
    if (read.ok && reason === undefined) {
      for (const saved of read.snapshot.collections) {
        const vectors = new CollectionVectors(saved.dimension, saved.documents.length);
        vectors.load(saved.rows, saved, saved.infos);
        ready.set(saved.id, vectors);
      }
      logger.info({ collections: read.snapshot.collections.length }, 'vector index loaded');
      return;
    }
    // A stale file must go now: later writes could bring the store back to its generation.
    await removeSnapshot(snapshotPath);
    if (reason !== 'missing') logger.warn({ reason }, 'vector index rebuilt from the database');
    const { rows } = await sql.query<{ id: string; dimension: number }>(
      'SELECT id, dimension FROM collections ORDER BY id',
    );
    // Read in the background through the pool: start-up holds the store's only embedded
    // connection under the migration lock, and a search meanwhile waits for its collection's read.
    void (async () => {
      for (const row of rows) await vectorsOf({ id: Number(row.id), dimension: row.dimension });
    })().catch((error: unknown) => {
      logger.warn({ err: error }, 'vector index: a collection could not be read; retried on use');
    });
  }

  function apply(vectors: CollectionVectors, documents: readonly IndexedDocument[]): void {
    for (const doc of documents)
      vectors.replace(
        doc.documentId,
        { title: doc.title ?? null, metadata: doc.metadata },
        doc.chunks.map((chunk) => ({
          index: chunk.index,
          embedding: chunk.embedding,
          preview: preview(chunk.content, previewLength),
        })),
      );
  }

  async function searchHydrated(
    collection: IndexedCollection,
    query: VectorQuery,
  ): Promise<HydratedHit[]> {
    const vectors = await vectorsOf(collection);
    const { filter } = query;
    const accept =
      filter === undefined
        ? undefined
        : (documentId: string) => {
            const info = vectors.info(documentId);
            return info !== undefined && matches(info.metadata, filter);
          };
    const hits = vectors.search(
      kernel,
      query.vector,
      query.limit + query.offset,
      query.minScore ?? -Infinity,
      accept,
    );
    const shown: HydratedHit[] = [];
    for (let i = query.offset; i < hits.length; i++) {
      const hit = hits[i] as (typeof hits)[number];
      const info = vectors.info(hit.documentId);
      shown.push({
        documentId: hit.documentId,
        chunkIndex: hit.chunkIndex,
        score: hit.score,
        title: info?.title ?? null,
        content: vectors.previewOf(hit.row),
        metadata: info?.metadata ?? {},
      });
    }
    return shown;
  }

  async function save(): Promise<void> {
    // Reads in progress finish first: they need the connection held below.
    await Promise.allSettled(loading.values());
    // Holding the only connection: no write can commit between reading the generation and
    // copying the vectors, and every committed write has reached them (afterCommit runs first).
    await withClient(pool, async (client) => {
      const generation = await readStoreGeneration(client);
      const saved = [];
      for (const [id, vectors] of ready) {
        const keys = vectors.keys();
        saved.push({ id, dimension: vectors.dimension, rows: vectors.rows, ...keys });
      }
      await writeSnapshot(snapshotPath, { generation, collections: saved });
    });
  }

  return {
    kind: 'memory_exact',
    // On the start-up connection that holds the migration lock, like every schema change.
    async prepare(sql) {
      await prepareStoreGeneration(sql);
      await restore(sql, await readStoreGeneration(sql));
    },
    ping: () => Promise.resolve(),
    // A new collection has no rows yet: it starts empty instead of being read on first use. (If
    // its transaction rolls back, the entry is unreachable: collection ids are never reused.)
    createCollection(collection) {
      if (!ready.has(collection.id) && !loading.has(collection.id))
        ready.set(collection.id, new CollectionVectors(collection.dimension));
      return Promise.resolve();
    },
    dropCollection(collection) {
      ready.delete(collection.id);
      loading.delete(collection.id);
      return Promise.resolve();
    },
    // Nothing before commit: the copy must not hold what a rollback would undo.
    upsert: () => Promise.resolve(),
    afterCommit(collection, documents) {
      void whenLoaded(collection.id, (vectors) => {
        apply(vectors, documents);
      });
    },
    remove: (collection, documentIds) =>
      whenLoaded(collection.id, (vectors) => {
        for (const id of documentIds) vectors.remove(id);
      }),
    search: searchHydrated,
    searchHydrated,
    async count(collection) {
      return (await vectorsOf(collection)).size;
    },
    // Writes are searchable when their request returns: nothing is ever pending.
    pending: () => Promise.resolve(0),
    // The copy follows the store by construction; it has no orphans to collect.
    collectOrphans: () => Promise.resolve(0),
    async close() {
      await save().catch((error: unknown) => {
        // The next start rebuilds from the store: slower, never wrong.
        logger.warn({ err: error }, 'vector index not saved');
      });
    },
  };
}
