import { findCollectionRef, type CollectionRef } from '../store/collections.ts';
import type { Database } from '../store/sql.ts';

/**
 * Collection refs by name, kept in memory where this process alone writes the store (PGlite: the
 * embedded profile), so a search or ingest does not wait for PGlite's only connection just to
 * learn the collection's id. Replicas of the external profile share their database with others
 * and always ask it. Only found collections are kept; a delete forgets its name once committed,
 * and a lookup that raced with a delete is not kept (the epoch moved on under it).
 */
interface RefCache {
  readonly refs: Map<string, CollectionRef>;
  epoch: number;
}

// Keyed by the database object: one per opened store, gone with it.
const caches = new WeakMap<Database, RefCache>();

function cacheOf(db: Database): RefCache | undefined {
  if (db.engine !== 'pglite') return undefined;
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = { refs: new Map(), epoch: 0 };
    caches.set(db, cache);
  }
  return cache;
}

export async function lookupCollectionRef(
  db: Database,
  name: string,
): Promise<CollectionRef | undefined> {
  const cache = cacheOf(db);
  const known = cache?.refs.get(name);
  if (known !== undefined) return known;
  const epoch = cache?.epoch;
  const ref = await findCollectionRef(db.pool, name);
  if (ref !== undefined && cache !== undefined && cache.epoch === epoch) cache.refs.set(name, ref);
  return ref;
}

/** Called once a delete of the collection committed, before it is acknowledged. */
export function forgetCollectionRef(db: Database, name: string): void {
  const cache = caches.get(db);
  if (cache === undefined) return;
  cache.refs.delete(name);
  cache.epoch += 1;
}
