import type { VectorIndexKind } from '../../catalog/labels.ts';
import type { ChunkHit, ChunkWrite, HydratedHit, Metadata } from '../store/documents.ts';
import type { Sql } from '../store/sql.ts';
import type pg from 'pg';

/** The part of a collection an index needs: its stable numeric id and vector dimension. */
export interface IndexedCollection {
  readonly id: number;
  readonly dimension: number;
}

export interface IndexedDocument {
  readonly documentId: string;
  /** Kept by an index that answers with what a result shows (`searchHydrated`). */
  readonly title?: string | null;
  readonly metadata: Metadata;
  readonly chunks: readonly ChunkWrite[];
}

export interface VectorQuery {
  /** Unit-length query vector of the collection's dimension. */
  readonly vector: Float32Array;
  /** Hits wanted after skipping `offset`. */
  readonly limit: number;
  readonly offset: number;
  readonly minScore?: number | undefined;
  /** Metadata equality on the hit's document. */
  readonly filter?: Metadata | undefined;
}

/**
 * Where vectors are searched. The chunks table is the source of truth; an index keeps whatever
 * structure makes search fast, and can be rebuilt from the table.
 */
export interface VectorIndex {
  readonly kind: VectorIndexKind;
  /**
   * Prepares the index's own storage once at start-up. `sql` is the connection that holds the
   * migration lock: schema work done on it runs one instance at a time.
   */
  prepare(sql: Sql): Promise<void>;
  /** Rejects when the index cannot serve searches (the readiness check). */
  ping(): Promise<void>;
  /**
   * Called inside the transaction that inserts the collection: a structure in the database is
   * created in it (and rolled back with it); an index outside creates its own before commit.
   */
  createCollection(collection: IndexedCollection, tx: Sql): Promise<void>;
  dropCollection(collection: IndexedCollection): Promise<void>;
  /**
   * Called inside the ingest transaction after the chunk rows are written, before commit: an
   * index outside the database writes first, so a failure leaves at worst orphans for GC.
   */
  upsert(
    tx: Sql,
    collection: IndexedCollection,
    documents: readonly IndexedDocument[],
  ): Promise<void>;
  /**
   * Called after an ingest committed, with what it wrote: background work may start on the new
   * rows, and an index outside the database may now take them in.
   */
  afterCommit(collection: IndexedCollection, documents: readonly IndexedDocument[]): void;
  /** Called after a delete committed; the rows are already gone. */
  remove(collection: IndexedCollection, documentIds: readonly string[]): Promise<void>;
  search(collection: IndexedCollection, query: VectorQuery): Promise<ChunkHit[]>;
  /**
   * Present on an index that holds what a result shows (title, metadata, at least the start of
   * the chunk's text that a result shows): a search then needs no read from the store.
   */
  searchHydrated?(collection: IndexedCollection, query: VectorQuery): Promise<HydratedHit[]>;
  /** Vectors held for the collection. */
  count(collection: IndexedCollection): Promise<number>;
  /** Vectors stored but not yet in the fast structure (searched exactly until they are). */
  pending(collection: IndexedCollection): Promise<number>;
  /**
   * Vectors whose chunk row no longer exists (left by a failure between the index and the
   * database); deleted unless `dryRun`. Returns how many there were.
   */
  collectOrphans(pool: pg.Pool, dryRun: boolean): Promise<number>;
  /** Stops background work; pending work stays queued in the database. */
  close(): Promise<void>;
}
