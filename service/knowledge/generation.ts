import type { Cache } from '../cache/cache.ts';

/** Cache key of a collection's write generation; cached search results embed it in their key. */
export function generationKey(collectionId: number): string {
  return `aidb:gen:${collectionId}`;
}

/**
 * Marks every cached search of the collection stale. Best effort: when the cache is down the
 * results it holds are unreachable anyway, and they expire by TTL.
 */
export async function bumpGeneration(cache: Cache, collectionId: number): Promise<void> {
  await cache.increment(generationKey(collectionId)).catch(() => undefined);
}
