import { encodeFloat4Array } from './float4-array.ts';
import type { Sql } from './sql.ts';

export type MetadataValue = string | number | boolean | null;
export type Metadata = Readonly<Record<string, MetadataValue>>;

export interface ChunkWrite {
  readonly index: number;
  readonly content: string;
  readonly embedding: Float32Array;
}

export interface DocumentWrite {
  readonly id: string;
  readonly title: string | null;
  readonly content: string;
  readonly metadata: Metadata;
  readonly source: string | null;
  readonly contentSha256: string;
  readonly chunks: readonly ChunkWrite[];
}

export interface DocumentRow {
  readonly id: string;
  readonly title: string | null;
  readonly content: string;
  readonly metadata: Metadata;
  readonly source: string | null;
  readonly chunkCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface RawDocument {
  id: string;
  title: string | null;
  content: string;
  metadata: Metadata;
  source: string | null;
  chunk_count: string;
  created_at: Date;
  updated_at: Date;
}

function toRow(raw: RawDocument): DocumentRow {
  return {
    id: raw.id,
    title: raw.title,
    content: raw.content,
    metadata: raw.metadata,
    source: raw.source,
    chunkCount: Number(raw.chunk_count),
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

// Chunks per INSERT statement: 5 parameters each stays far below PostgreSQL's 65 535 limit.
const chunksPerStatement = 400;

/**
 * Writes documents and replaces their chunks. Must run inside a transaction so a reader never
 * sees a document with half of its new chunks.
 */
export async function writeDocuments(
  sql: Sql,
  collectionId: number,
  docs: readonly DocumentWrite[],
): Promise<void> {
  const values: unknown[] = [collectionId];
  const tuples = docs.map((doc, i) => {
    values.push(
      doc.id,
      doc.title,
      doc.content,
      JSON.stringify(doc.metadata),
      doc.source,
      doc.contentSha256,
    );
    const p = 1 + i * 6;
    return `($1, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5}, $${p + 6})`;
  });
  // One statement for the batch: PGlite pays a fixed cost per statement.
  await sql.query(
    `INSERT INTO documents (collection_id, id, title, content, metadata, source, content_sha256)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (collection_id, id) DO UPDATE
     SET title = EXCLUDED.title, content = EXCLUDED.content, metadata = EXCLUDED.metadata,
         source = EXCLUDED.source, content_sha256 = EXCLUDED.content_sha256, updated_at = now()`,
    values,
  );
  await sql.query('DELETE FROM chunks WHERE collection_id = $1 AND document_id = ANY($2::text[])', [
    collectionId,
    docs.map((d) => d.id),
  ]);
  const rows = docs.flatMap((doc) => doc.chunks.map((chunk) => ({ documentId: doc.id, chunk })));
  for (let start = 0; start < rows.length; start += chunksPerStatement) {
    const batch = rows.slice(start, start + chunksPerStatement);
    const values: unknown[] = [];
    const tuples = batch.map(({ documentId, chunk }, i) => {
      values.push(
        collectionId,
        documentId,
        chunk.index,
        chunk.content,
        encodeFloat4Array(chunk.embedding),
      );
      const p = i * 5;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::real[])`;
    });
    await sql.query(
      `INSERT INTO chunks (collection_id, document_id, chunk_index, content, embedding) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

const selectDocument = (content: 'd.content' | "'' AS content") => `
  SELECT d.id, d.title, ${content}, d.metadata, d.source, d.created_at, d.updated_at,
         (SELECT count(*) FROM chunks c WHERE c.collection_id = d.collection_id AND c.document_id = d.id) AS chunk_count
  FROM documents d`;

export async function findDocument(
  sql: Sql,
  collectionId: number,
  id: string,
): Promise<DocumentRow | undefined> {
  const { rows } = await sql.query<RawDocument>(
    `${selectDocument('d.content')} WHERE d.collection_id = $1 AND d.id = $2`,
    [collectionId, id],
  );
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

/**
 * One page of documents in id order after `afterId`, without their content (a listing shows
 * none; reading it would copy every document's text out of the store for nothing). Ordering by the primary key makes the
 * listing exact while others write: an id is either before or after the cursor, never both.
 */
export async function listDocuments(
  sql: Sql,
  collectionId: number,
  afterId: string | undefined,
  limit: number,
): Promise<{ rows: Omit<DocumentRow, 'content'>[]; more: boolean }> {
  const { rows } = await sql.query<RawDocument>(
    `${selectDocument("'' AS content")} WHERE d.collection_id = $1 AND ($2::text IS NULL OR d.id > $2) ORDER BY d.id LIMIT $3`,
    [collectionId, afterId ?? null, limit + 1],
  );
  return {
    rows: rows.slice(0, limit).map((raw) => {
      const { content: _none, ...row } = toRow(raw);
      return row;
    }),
    more: rows.length > limit,
  };
}

/** Deletes documents (their chunks follow by cascade); returns the ids that existed. */
export async function deleteDocuments(
  sql: Sql,
  collectionId: number,
  ids: readonly string[],
): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    'DELETE FROM documents WHERE collection_id = $1 AND id = ANY($2::text[]) RETURNING id',
    [collectionId, ids],
  );
  return rows.map((row) => row.id);
}

/** Ids of documents in collections with a TTL whose last update is older than the TTL. */
export async function expiredDocuments(
  sql: Sql,
  limit: number,
): Promise<{ collectionId: number; id: string }[]> {
  const { rows } = await sql.query<{ collection_id: string; id: string }>(
    `SELECT d.collection_id, d.id FROM documents d JOIN collections c ON c.id = d.collection_id
     WHERE c.ttl_seconds IS NOT NULL AND d.updated_at < now() - make_interval(secs => c.ttl_seconds)
     ORDER BY d.collection_id, d.id LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ collectionId: Number(row.collection_id), id: row.id }));
}

export interface ChunkHit {
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly score: number;
}

export interface HydratedHit extends ChunkHit {
  readonly title: string | null;
  /** The chunk's text, or (from an index that keeps previews) at least the part a result shows. */
  readonly content: string;
  readonly metadata: Metadata;
}

/** Adds document title, chunk text and metadata to index hits, keeping their order. */
export async function hydrateHits(
  sql: Sql,
  collectionId: number,
  hits: readonly ChunkHit[],
): Promise<HydratedHit[]> {
  if (hits.length === 0) return [];
  const { rows } = await sql.query<{
    document_id: string;
    chunk_index: number;
    title: string | null;
    content: string;
    metadata: Metadata;
  }>(
    `SELECT c.document_id, c.chunk_index, d.title, c.content, d.metadata
     FROM unnest($2::text[], $3::int[]) AS k(document_id, chunk_index)
     JOIN chunks c ON c.collection_id = $1 AND c.document_id = k.document_id AND c.chunk_index = k.chunk_index
     JOIN documents d ON d.collection_id = c.collection_id AND d.id = c.document_id`,
    [collectionId, hits.map((h) => h.documentId), hits.map((h) => h.chunkIndex)],
  );
  const byKey = new Map(rows.map((row) => [`${row.chunk_index}:${row.document_id}`, row]));
  return hits.flatMap((hit) => {
    const row = byKey.get(`${hit.chunkIndex}:${hit.documentId}`);
    // A hit whose document was deleted between the index query and this one is dropped.
    return row === undefined
      ? []
      : [{ ...hit, title: row.title, content: row.content, metadata: row.metadata }];
  });
}
