import type pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import type { ChunkHit } from '../store/documents.ts';
import { withClient, type Sql } from '../store/sql.ts';
import { CollectionVectors, type ScanKernel } from './collection-vectors.ts';
import { readSnapshot, removeSnapshot, writeSnapshot } from './snapshot-file.ts';
import { prepareStoreGeneration, readStoreGeneration } from './store-generation.ts';
import { loadCollection } from './store-vectors.ts';
import type { IndexedCollection, VectorIndex, VectorQuery } from './vector-index.ts';

/**
 * Exact search in process over a Float32Array per collection: the embedded profile's index.
 *
 * The chunks table stays the store of record; these vectors are a copy kept in memory. Writes
 * reach the copy only after their transaction committed (`afterCommit`), so it never holds what
 * the store does not; every hit is read back from the store before it is served anyway, and a
 * metadata filter is evaluated by the store. At start-up the copy comes from a snapshot file when
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
}

export function createMemoryIndex({
  pool,
  logger,
  snapshotPath,
  kernel,
}: MemoryIndexDeps): VectorIndex {
  // Loaded collections, and those being read from the store (a write waits for its read).
  const ready = new Map<number, CollectionVectors>();
  const loading = new Map<number, Promise<CollectionVectors>>();

  /** The collection's vectors, read from the store the first time they are needed. */
  async function vectorsOf(collection: IndexedCollection): Promise<CollectionVectors> {
    const loaded = ready.get(collection.id);
    if (loaded !== undefined) return loaded;
    let pending = loading.get(collection.id);
    if (pending === undefined) {
      pending = loadCollection(pool, collection);
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
        vectors.load(saved.rows, saved.documents, saved.chunks);
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
        for (const doc of documents) vectors.replace(doc.documentId, doc.chunks);
      });
    },
    remove: (collection, documentIds) =>
      whenLoaded(collection.id, (vectors) => {
        for (const id of documentIds) vectors.remove(id);
      }),
    async search(collection: IndexedCollection, query: VectorQuery): Promise<ChunkHit[]> {
      const vectors = await vectorsOf(collection);
      let accept: ((documentId: string) => boolean) | undefined;
      if (query.filter !== undefined) {
        const { rows } = await pool.query<{ id: string }>(
          'SELECT id FROM documents WHERE collection_id = $1 AND metadata @> $2::jsonb',
          [collection.id, JSON.stringify(query.filter)],
        );
        const allowed = new Set(rows.map((row) => row.id));
        if (allowed.size === 0) return [];
        accept = (documentId) => allowed.has(documentId);
      }
      return vectors
        .search(
          kernel,
          query.vector,
          query.limit + query.offset,
          query.minScore ?? -Infinity,
          accept,
        )
        .slice(query.offset);
    },
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
