import type { Collection, PutCollectionBody } from '../api/collections.ts';
import { KnowledgeError } from './errors.ts';
import {
  deleteCollection as deleteCollectionRow,
  findCollection,
  insertCollection,
  listCollections as listCollectionRows,
  updateCollection,
  type CollectionChanges,
  type CollectionRef,
  type CollectionRow,
} from '../store/collections.ts';
import { transaction } from '../store/sql.ts';
import type { KnowledgeDeps } from './deps.ts';
import { bumpGeneration } from './generation.ts';
import { forgetCollectionRef, lookupCollectionRef } from './collection-refs.ts';

export async function toCollection(
  row: CollectionRow,
  deps: Pick<KnowledgeDeps, 'index'>,
): Promise<Collection> {
  return {
    name: row.name,
    description: row.description,
    dimension: row.dimension,
    ttl_seconds: row.ttlSeconds,
    document_count: row.documentCount,
    index: deps.index.kind,
    vectors_pending: await deps.index.pending(row),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The collection's id and dimension, or a 404. */
export async function requireCollectionRef(
  deps: Pick<KnowledgeDeps, 'db'>,
  name: string,
): Promise<CollectionRef> {
  const ref = await lookupCollectionRef(deps.db, name);
  if (ref === undefined)
    throw new KnowledgeError('collection_not_found', `collection ${name} does not exist`);
  return ref;
}

export async function collectionExists(
  deps: Pick<KnowledgeDeps, 'db'>,
  name: string,
): Promise<boolean> {
  return (await lookupCollectionRef(deps.db, name)) !== undefined;
}

export async function requireCollection(
  deps: Pick<KnowledgeDeps, 'db'>,
  name: string,
): Promise<CollectionRow> {
  const row = await findCollection(deps.db.pool, name);
  if (row === undefined)
    throw new KnowledgeError('collection_not_found', `collection ${name} does not exist`);
  return row;
}

export async function listCollections(deps: KnowledgeDeps): Promise<Collection[]> {
  return Promise.all(
    (await listCollectionRows(deps.db.pool)).map((row) => toCollection(row, deps)),
  );
}

/**
 * Creates the collection with the embedder's dimension unless it exists; changes nothing of an
 * existing one (a write that needs the collection, not a request to update it).
 */
export async function ensureCollection(deps: KnowledgeDeps, name: string): Promise<void> {
  if (await collectionExists(deps, name)) return;
  await createCollection(deps, name, deps.embedder.dimension, {});
}

/**
 * Inserts the row and creates the index's structure for it in one transaction, so a failure
 * (an index that cannot take the dimension, a lost connection) leaves no collection behind.
 * Undefined when another request created it first.
 */
async function createCollection(
  deps: KnowledgeDeps,
  name: string,
  dimension: number,
  changes: CollectionChanges,
): Promise<CollectionRow | undefined> {
  return transaction(deps.db.pool, async (tx) => {
    const created = await insertCollection(tx, name, dimension, changes);
    if (created !== undefined) await deps.index.createCollection(created, tx);
    return created;
  });
}

/** Creates the collection or updates its description and TTL; the dimension never changes. */
export async function putCollection(
  deps: KnowledgeDeps,
  name: string,
  body: PutCollectionBody,
): Promise<{ collection: Collection; created: boolean }> {
  const changes = { description: body.description, ttlSeconds: body.ttl_seconds };
  const existing = await findCollection(deps.db.pool, name);
  if (existing === undefined) {
    const dimension = body.dimension ?? deps.embedder.dimension;
    const created = await createCollection(deps, name, dimension, changes);
    if (created !== undefined)
      return { collection: await toCollection(created, deps), created: true };
    // Another request created it between our read and insert: this one becomes an update.
  }
  const current = existing ?? (await requireCollection(deps, name));
  if (body.dimension !== undefined && body.dimension !== current.dimension) {
    throw new KnowledgeError(
      'dimension_immutable',
      `collection ${name} has dimension ${current.dimension}; create a new collection for ${body.dimension}`,
    );
  }
  await updateCollection(deps.db.pool, current.id, changes);
  return {
    collection: await toCollection(await requireCollection(deps, name), deps),
    created: false,
  };
}

export async function deleteCollection(deps: KnowledgeDeps, name: string): Promise<void> {
  const row = await requireCollectionRef(deps, name);
  await deleteCollectionRow(deps.db.pool, row.id);
  forgetCollectionRef(deps.db, name);
  // Before the index drop, which can take a while (a Qdrant call): no replica may serve a
  // cached result of the deleted collection meanwhile.
  await bumpGeneration(deps.cache, row.id);
  // After the rows: an index left behind by a failure here is an orphan for GC, not lost data.
  await deps.index.dropCollection(row);
}
