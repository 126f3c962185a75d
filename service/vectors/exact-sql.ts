import type { ChunkHit } from '../store/documents.ts';
import { encodeFloat4Array } from '../store/float4-array.ts';
import type { Sql } from '../store/sql.ts';
import type { IndexedCollection, VectorIndex, VectorQuery } from './vector-index.ts';

/**
 * Exact search in plain SQL over the chunks table, for any PostgreSQL without pgvector. Vectors
 * are stored unit-length, so cosine similarity is the dot product. It reads every chunk of the
 * collection on every search: correct everywhere, fast only for small collections.
 */
export function createExactSqlIndex(sql: Sql): VectorIndex {
  return {
    kind: 'exact_sql',
    prepare: () => Promise.resolve(),
    // The index is the chunks table: the PostgreSQL check covers it.
    ping: () => Promise.resolve(),
    createCollection: () => Promise.resolve(),
    dropCollection: () => Promise.resolve(),
    upsert: () => Promise.resolve(),
    afterCommit: () => undefined,
    remove: () => Promise.resolve(),
    async search(collection: IndexedCollection, query: VectorQuery): Promise<ChunkHit[]> {
      const { rows } = await sql.query<{ document_id: string; chunk_index: number; score: number }>(
        `SELECT c.document_id, c.chunk_index, s.score
         FROM chunks c
         CROSS JOIN LATERAL (SELECT sum(a * b)::float8 AS score FROM unnest(c.embedding, $2::real[]) AS t(a, b)) s
         WHERE c.collection_id = $1
           AND ($5::jsonb IS NULL OR EXISTS (
                 SELECT 1 FROM documents d
                 WHERE d.collection_id = c.collection_id AND d.id = c.document_id AND d.metadata @> $5::jsonb))
           AND ($6::float8 IS NULL OR s.score >= $6)
         ORDER BY s.score DESC, c.document_id, c.chunk_index
         LIMIT $3 OFFSET $4`,
        [
          collection.id,
          encodeFloat4Array(query.vector),
          query.limit,
          query.offset,
          query.filter === undefined ? null : JSON.stringify(query.filter),
          query.minScore ?? null,
        ],
      );
      return rows.map((row) => ({
        documentId: row.document_id,
        chunkIndex: row.chunk_index,
        score: row.score,
      }));
    },
    // It searches the chunks table itself: nothing can be orphaned or pending.
    collectOrphans: () => Promise.resolve(0),
    pending: () => Promise.resolve(0),
    async count(collection) {
      const { rows } = await sql.query<{ n: string }>(
        'SELECT count(*) AS n FROM chunks WHERE collection_id = $1',
        [collection.id],
      );
      return Number(rows[0]?.n ?? 0);
    },
    close: () => Promise.resolve(),
  };
}
