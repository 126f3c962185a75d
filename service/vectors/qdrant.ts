import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DependencyError } from '../dependencies/dependency-error.ts';
import type { ChunkHit, Metadata } from '../store/documents.ts';
import { transaction, type Sql } from '../store/sql.ts';
import type { QdrantClient } from './qdrant-client.ts';
import type { IndexedCollection, VectorIndex } from './vector-index.ts';

/** Qdrant collection of an aidb collection: its database id, never its (client-chosen) name. */
export function qdrantCollectionName(collection: Pick<IndexedCollection, 'id'>): string {
  return `aidb_${collection.id}`;
}

/** A stable point id per chunk (UUID form, as Qdrant requires), so re-ingest overwrites. */
export function pointId(collectionId: number, documentId: string, chunkIndex: number): string {
  const hex = createHash('sha256')
    .update(`${collectionId}\u0000${documentId}\u0000${chunkIndex}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Metadata equality in Qdrant without key paths: a metadata key may contain dots, which Qdrant
 * would read as nesting. Each pair is stored as one keyword "key=<JSON value>", and a filter
 * matches the same keyword.
 */
function metadataKeywords(metadata: Metadata): string[] {
  return Object.entries(metadata).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
}

const hitSchema = z.object({
  points: z.array(
    z.object({
      score: z.number(),
      payload: z.object({ document_id: z.string(), chunk_index: z.number().int() }),
    }),
  ),
});
const countSchema = z.object({ count: z.number().int() });
const scrollSchema = z.object({
  points: z.array(
    z.object({
      id: z.union([z.string(), z.number()]),
      payload: z.object({ document_id: z.string(), chunk_index: z.number().int() }),
    }),
  ),
  next_page_offset: z.union([z.string(), z.number()]).nullable().optional(),
});
const collectionsSchema = z.object({ collections: z.array(z.object({ name: z.string() })) });

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new DependencyError('qdrant', 'invalid_response', 'unexpected response shape');
  return result.data;
}

const scrollPage = 256;

/**
 * Writes to Qdrant happen inside the database transaction that records them, before it commits
 * (so a failed write leaves no row). Until then the points or collection look orphaned to a
 * garbage collector on any replica. Writers hold this advisory lock shared until commit; the
 * collector holds it exclusively while it re-checks its candidates and deletes, so it never
 * deletes what an in-flight write is about to commit. The number only has to be unique among
 * aidb's advisory locks (migrate.ts holds another).
 */
const qdrantWriteLock = 7_126_451_002;

async function holdWriteLockShared(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [qdrantWriteLock]);
}

interface ChunkPoint {
  readonly id: string | number;
  readonly payload: { readonly document_id: string; readonly chunk_index: number };
}

interface Orphans {
  /** Qdrant collections whose aidb collection does not exist. */
  readonly collections: readonly string[];
  /** Points without a chunk row, by aidb collection id. */
  readonly points: ReadonlyMap<number, readonly ChunkPoint[]>;
}

async function knownCollectionNames(sql: Sql): Promise<Set<string>> {
  const { rows } = await sql.query<{ id: string }>('SELECT id FROM collections');
  return new Set(rows.map((row) => qdrantCollectionName({ id: Number(row.id) })));
}

/** Of `points` of one collection, those whose chunk row `sql` does not see. */
async function withoutRows(
  sql: Sql,
  collectionId: number,
  points: readonly ChunkPoint[],
): Promise<ChunkPoint[]> {
  if (points.length === 0) return [];
  const { rows } = await sql.query<{ document_id: string; chunk_index: number }>(
    `SELECT c.document_id, c.chunk_index FROM unnest($2::text[], $3::int[]) AS k(document_id, chunk_index)
     JOIN chunks c ON c.collection_id = $1 AND c.document_id = k.document_id AND c.chunk_index = k.chunk_index`,
    [
      collectionId,
      points.map((p) => p.payload.document_id),
      points.map((p) => p.payload.chunk_index),
    ],
  );
  const present = new Set(rows.map((row) => `${row.chunk_index}:${row.document_id}`));
  return points.filter((p) => !present.has(`${p.payload.chunk_index}:${p.payload.document_id}`));
}

async function orphanPoints(
  client: QdrantClient,
  sql: Sql,
  collectionId: number,
): Promise<ChunkPoint[]> {
  const name = qdrantCollectionName({ id: collectionId });
  const orphans: ChunkPoint[] = [];
  let offset: string | number | null | undefined;
  do {
    const page = parsed(
      scrollSchema,
      await client.call('search', (api, init) =>
        api.scrollPoints(
          {
            collection_name: name,
            limit: scrollPage,
            with_payload: ['document_id', 'chunk_index'],
            with_vector: false,
            ...(offset === undefined || offset === null ? {} : { offset }),
          },
          init,
        ),
      ),
    );
    orphans.push(...(await withoutRows(sql, collectionId, page.points)));
    offset = page.next_page_offset;
  } while (offset !== undefined && offset !== null);
  return orphans;
}

/** Candidates only: a write in flight may still commit what looks orphaned here. */
async function findOrphans(client: QdrantClient, sql: Sql): Promise<Orphans> {
  const { collections } = parsed(
    collectionsSchema,
    await client.call('collection', (api, init) => api.getCollections({}, init)),
  );
  const known = await knownCollectionNames(sql);
  const orphanCollections: string[] = [];
  const points = new Map<number, ChunkPoint[]>();
  for (const { name } of collections) {
    const id = /^aidb_(\d+)$/.exec(name)?.[1];
    if (id === undefined) continue;
    if (!known.has(name)) orphanCollections.push(name);
    else points.set(Number(id), await orphanPoints(client, sql, Number(id)));
  }
  return { collections: orphanCollections, points };
}

/** The candidates still orphaned after every write in flight when they were found committed. */
async function confirmOrphans(sql: Sql, candidates: Orphans): Promise<Orphans> {
  const known = await knownCollectionNames(sql);
  const points = new Map<number, ChunkPoint[]>();
  for (const [collectionId, list] of candidates.points)
    points.set(collectionId, await withoutRows(sql, collectionId, list));
  return { collections: candidates.collections.filter((name) => !known.has(name)), points };
}

/** Points in orphaned collections count too: every one of them is an orphan. */
async function countOrphans(client: QdrantClient, orphans: Orphans): Promise<number> {
  let total = 0;
  for (const list of orphans.points.values()) total += list.length;
  for (const name of orphans.collections) {
    const result = await client.call('count', (api, init) =>
      api.countPoints({ collection_name: name, exact: true }, init),
    );
    total += parsed(countSchema, result).count;
  }
  return total;
}

async function deleteOrphans(client: QdrantClient, orphans: Orphans): Promise<void> {
  for (const [collectionId, list] of orphans.points) {
    if (list.length === 0) continue;
    await client.call('delete', (api, init) =>
      api.deletePoints(
        {
          collection_name: qdrantCollectionName({ id: collectionId }),
          wait: true,
          points: list.map((p) => p.id),
        },
        init,
      ),
    );
  }
  for (const name of orphans.collections)
    await client.call('collection', (api, init) =>
      api.deleteCollection({ collection_name: name }, init),
    );
}

/** Vector search on Qdrant, one Qdrant collection per aidb collection, cosine distance. */
export function createQdrantIndex(client: QdrantClient): VectorIndex {
  const removeDocuments = async (
    collection: IndexedCollection,
    ids: readonly string[],
  ): Promise<void> => {
    if (ids.length === 0) return;
    await client.call('delete', (api, init) =>
      api.deletePoints(
        {
          collection_name: qdrantCollectionName(collection),
          wait: true,
          filter: { must: [{ key: 'document_id', match: { any: [...ids] } }] },
        },
        init,
      ),
    );
  };
  return {
    kind: 'qdrant',
    async prepare() {
      await client.call('collection', (api, init) => api.getCollections({}, init));
    },
    async ping() {
      await client.call('ping', (api, init) => api.getCollections({}, init));
    },
    async createCollection(collection, tx) {
      await holdWriteLockShared(tx);
      const name = qdrantCollectionName(collection);
      const existing = await client.find('collection', (api, init) =>
        api.getCollection({ collection_name: name }, init),
      );
      if (existing !== undefined) return;
      await client.call('collection', (api, init) =>
        api.createCollection(
          {
            collection_name: name,
            vectors: { size: collection.dimension, distance: 'Cosine' },
          },
          init,
        ),
      );
    },
    async dropCollection(collection) {
      await client.find('collection', (api, init) =>
        api.deleteCollection({ collection_name: qdrantCollectionName(collection) }, init),
      );
    },
    async upsert(tx, collection, documents) {
      await holdWriteLockShared(tx);
      // Old chunks first: a shorter new version must not leave its old tail searchable.
      await removeDocuments(
        collection,
        documents.map((doc) => doc.documentId),
      );
      const points = documents.flatMap((doc) =>
        doc.chunks.map((chunk) => ({
          id: pointId(collection.id, doc.documentId, chunk.index),
          vector: Array.from(chunk.embedding),
          payload: {
            document_id: doc.documentId,
            chunk_index: chunk.index,
            meta: metadataKeywords(doc.metadata),
          },
        })),
      );
      if (points.length === 0) return;
      await client.call('upsert', (api, init) =>
        api.upsertPoints(
          { collection_name: qdrantCollectionName(collection), wait: true, points },
          init,
        ),
      );
    },
    afterCommit: () => undefined,
    remove: removeDocuments,
    async search(collection, query): Promise<ChunkHit[]> {
      const must = metadataKeywords(query.filter ?? {}).map((keyword) => ({
        key: 'meta',
        match: { value: keyword },
      }));
      const hits = parsed(
        hitSchema,
        await client.call('search', (api, init) =>
          api.queryPoints(
            {
              collection_name: qdrantCollectionName(collection),
              query: Array.from(query.vector),
              limit: query.limit,
              offset: query.offset,
              with_payload: ['document_id', 'chunk_index'],
              ...(query.minScore === undefined ? {} : { score_threshold: query.minScore }),
              ...(must.length === 0 ? {} : { filter: { must } }),
            },
            init,
          ),
        ),
      );
      return hits.points.map((hit) => ({
        documentId: hit.payload.document_id,
        chunkIndex: hit.payload.chunk_index,
        score: hit.score,
      }));
    },
    async count(collection) {
      const result = await client.call('count', (api, init) =>
        api.countPoints({ collection_name: qdrantCollectionName(collection), exact: true }, init),
      );
      return parsed(countSchema, result).count;
    },
    pending: () => Promise.resolve(0),
    async collectOrphans(pool, dryRun) {
      const candidates = await findOrphans(client, pool);
      if (dryRun) return countOrphans(client, candidates);
      // The exclusive lock waits for writes in flight and is held only for the re-check and
      // the deletes, so ingest pauses for that, not for the whole scroll.
      return transaction(pool, async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [qdrantWriteLock]);
        const orphans = await confirmOrphans(tx, candidates);
        const total = await countOrphans(client, orphans);
        await deleteOrphans(client, orphans);
        return total;
      });
    },
    close: () => Promise.resolve(),
  };
}
