import { createHash } from 'node:crypto';
import type { SearchBody, SearchResult } from '../api/search.ts';
import { searchLimits } from '../api/search.ts';
import { normalize } from '../embeddings/embedder.ts';
import { embedEach, requireEmbedderDimension } from './embed.ts';
import { KnowledgeError } from './errors.ts';
import { hydrateHits, type HydratedHit } from '../store/documents.ts';
import type { VectorIndexKind } from '../../catalog/labels.ts';
import type { CollectionRef } from '../store/collections.ts';
import { requireCollectionRef } from './collections.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { KnowledgeDeps } from './deps.ts';
import { generationKey } from './generation.ts';

export interface SearchOutcome {
  readonly results: SearchResult[];
  readonly next_cursor: string | null;
  readonly index: VectorIndexKind;
}

// Seconds a cached result set lives; writes to the collection invalidate it sooner.
const resultTtlSeconds = 60;
const snippetLength = 300;
/** Characters of a chunk that decide its snippet: an index keeping this many can answer alone. */
export const snippetSourceLength = snippetLength + 1;

function snippet(content: string): string {
  if (content.length <= snippetLength) return content;
  const cut =
    content.charCodeAt(snippetLength - 1) >= 0xd800 &&
    content.charCodeAt(snippetLength - 1) <= 0xdbff;
  return `${content.slice(0, cut ? snippetLength - 1 : snippetLength)}…`;
}

function toResult(hit: HydratedHit): SearchResult {
  return {
    document_id: hit.documentId,
    chunk_index: hit.chunkIndex,
    title: hit.title,
    snippet: snippet(hit.content),
    metadata: hit.metadata,
    score: Math.max(-1, Math.min(1, hit.score)),
  };
}

function offsetOf(body: SearchBody, fingerprint: string): number {
  if (body.cursor === undefined) return 0;
  const decoded = decodeCursor(body.cursor);
  // A cursor only continues the search that issued it.
  if (
    decoded.q !== fingerprint ||
    typeof decoded.o !== 'number' ||
    !Number.isInteger(decoded.o) ||
    decoded.o < 0 ||
    // Only offsets this service could have issued; a larger one would reach the database as an
    // out-of-range OFFSET.
    decoded.o >= searchLimits.depth
  ) {
    throw new KnowledgeError('invalid_cursor', 'cursor belongs to a different search', [
      { field: 'cursor', message: 'does not match this search' },
    ]);
  }
  return decoded.o;
}

async function queryVector(
  deps: KnowledgeDeps,
  body: SearchBody,
  collection: CollectionRef,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const { dimension } = collection;
  if (body.vector !== undefined) {
    if (body.vector.length !== dimension) {
      throw new KnowledgeError(
        'dimension_mismatch',
        `vector has ${body.vector.length} dimensions; the collection has ${dimension}`,
        [{ field: 'vector', message: `must have ${dimension} numbers` }],
      );
    }
    return normalize(Float32Array.from(body.vector));
  }
  requireEmbedderDimension(deps.embedder, collection, '; search it with a vector');
  const [vector] = await embedEach(deps.embedder, [body.query ?? ''], signal);
  // embedEach returns exactly one vector per text.
  return vector as Float32Array;
}

/** Ranked chunks for a text or vector query, best first, from cache when nothing changed. */
export async function searchCollection(
  deps: KnowledgeDeps,
  collectionName: string,
  body: SearchBody,
  signal?: AbortSignal,
): Promise<SearchOutcome> {
  const collection = await requireCollectionRef(deps, collectionName);
  const { cursor: _cursor, ...request } = body;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(request))
    .digest('base64url')
    .slice(0, 16);
  const offset = offsetOf(body, fingerprint);
  const generation = await deps.cache.counter(generationKey(collection.id)).catch(() => undefined);
  const cacheKey =
    generation === undefined
      ? undefined
      : `aidb:search:${collection.id}:${generation}:${fingerprint}:${offset}`;
  if (cacheKey !== undefined) {
    const cached = await deps.cache.get(cacheKey).catch(() => undefined);
    deps.telemetry.cacheLookup('search', cached !== undefined);
    if (cached !== undefined) return JSON.parse(cached.toString('utf8')) as SearchOutcome;
  }
  const vector = await queryVector(deps, body, collection, signal);
  const started = performance.now();
  const query = {
    vector,
    limit: body.limit,
    offset,
    minScore: body.min_score,
    filter: body.filter,
  };
  const { index } = deps;
  // An index that keeps what results show answers alone; else hits are read back from the store.
  const answered = await index.searchHydrated?.(collection, query);
  const hits = answered ?? (await index.search(collection, query));
  deps.telemetry.searched(
    deps.index.kind,
    body.vector === undefined ? 'text' : 'vector',
    (performance.now() - started) / 1000,
    hits.length,
  );
  const results = (answered ?? (await hydrateHits(deps.db.pool, collection.id, hits))).map(
    toResult,
  );
  const nextOffset = offset + body.limit;
  const outcome: SearchOutcome = {
    results,
    next_cursor:
      hits.length === body.limit && nextOffset < searchLimits.depth
        ? encodeCursor({ q: fingerprint, o: nextOffset })
        : null,
    index: deps.index.kind,
  };
  if (cacheKey !== undefined) {
    // Not awaited: the answer does not wait on a round trip to the cache (~1.4 ms of a search
    // through Redis, bench:search-external). A write that lands late is keyed by the generation
    // it was computed at, so a newer write's bump has already made it unreachable.
    void deps.cache
      .set(cacheKey, Buffer.from(JSON.stringify(outcome)), resultTtlSeconds)
      .catch(() => undefined);
  }
  return outcome;
}
