import type pg from 'pg';
import type { Metadata } from '../store/documents.ts';
import { CollectionVectors, type DocumentInfo } from './collection-vectors.ts';
import { preview } from './preview.ts';
import type { IndexedCollection } from './vector-index.ts';

// Rows per read: bounds the memory of one result while keeping statements few.
const page = 2_000;

/**
 * A float4[] in PostgreSQL's binary array format (`array_send`): ndim, flags and element type,
 * then length and lower bound per dimension, then each element as a length and a big-endian
 * float. Binary, because parsing the text form of 100k × 384 floats costs seconds.
 */
function decodeFloat4Array(bytes: Buffer, into: Float32Array, at: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getInt32(0);
  if (dimensions === 0) return 0;
  const length = view.getInt32(12);
  for (let i = 0, offset = 24; i < length; i++, offset += 8) into[at + i] = view.getFloat32(offset);
  return length;
}

/**
 * Reads every vector of a collection from the chunks table in key order, with the first
 * `previewLength` characters of each chunk and each document's title and metadata.
 */
export async function loadCollection(
  pool: pg.Pool,
  collection: IndexedCollection,
  previewLength: number,
): Promise<CollectionVectors> {
  const vectors = new CollectionVectors(collection.dimension);
  let after: { documentId: string; chunkIndex: number } | undefined;
  for (;;) {
    const { rows } = await pool.query<{
      document_id: string;
      chunk_index: number;
      embedding: Buffer;
      preview: string;
      title: string | null;
      metadata: Metadata;
    }>(
      `SELECT c.document_id, c.chunk_index, array_send(c.embedding) AS embedding,
              left(c.content, $5) AS preview, d.title, d.metadata
       FROM chunks c JOIN documents d ON d.collection_id = c.collection_id AND d.id = c.document_id
       WHERE c.collection_id = $1
         AND ($2::text IS NULL OR (c.document_id, c.chunk_index) > ($2, $3))
       ORDER BY c.document_id, c.chunk_index LIMIT $4`,
      [collection.id, after?.documentId ?? null, after?.chunkIndex ?? 0, page, previewLength],
    );
    const block = new Float32Array(rows.length * collection.dimension);
    rows.forEach((row, i) => {
      const length = decodeFloat4Array(row.embedding, block, i * collection.dimension);
      if (length !== collection.dimension)
        throw new Error(`chunk ${row.document_id}#${row.chunk_index} has ${length} dimensions`);
    });
    const infos = new Map<string, DocumentInfo>();
    for (const row of rows)
      infos.set(row.document_id, { title: row.title, metadata: row.metadata });
    vectors.load(
      block,
      {
        documents: rows.map((row) => row.document_id),
        chunks: rows.map((row) => row.chunk_index),
        previews: rows.map((row) => preview(row.preview, previewLength)),
      },
      infos,
    );
    const last = rows.at(-1);
    if (last === undefined || rows.length < page) return vectors;
    after = { documentId: last.document_id, chunkIndex: last.chunk_index };
  }
}
