import type { Document, DocumentSummary } from '../api/documents.ts';
import { KnowledgeError } from './errors.ts';
import {
  deleteDocuments,
  findDocument,
  listDocuments as listDocumentRows,
  type DocumentRow,
} from '../store/documents.ts';
import { requireCollectionRef } from './collections.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { KnowledgeDeps } from './deps.ts';
import { bumpGeneration } from './generation.ts';

function toSummary(row: Omit<DocumentRow, 'content'>): DocumentSummary {
  return {
    id: row.id,
    title: row.title,
    metadata: row.metadata,
    source: row.source,
    chunk_count: row.chunkCount,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function getDocument(
  deps: KnowledgeDeps,
  collectionName: string,
  id: string,
): Promise<Document> {
  const collection = await requireCollectionRef(deps, collectionName);
  const row = await findDocument(deps.db.pool, collection.id, id);
  if (row === undefined)
    throw new KnowledgeError(
      'document_not_found',
      `document ${id} does not exist in ${collectionName}`,
    );
  return { ...toSummary(row), collection: collection.name, content: row.content };
}

export async function listDocuments(
  deps: KnowledgeDeps,
  collectionName: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ documents: DocumentSummary[]; next_cursor: string | null }> {
  const collection = await requireCollectionRef(deps, collectionName);
  let after: string | undefined;
  if (cursor !== undefined) {
    const decoded = decodeCursor(cursor);
    if (typeof decoded.after !== 'string')
      throw new KnowledgeError('invalid_cursor', 'cursor is not one this service issued');
    after = decoded.after;
  }
  const page = await listDocumentRows(deps.db.pool, collection.id, after, limit);
  const last = page.rows.at(-1);
  return {
    documents: page.rows.map(toSummary),
    next_cursor: page.more && last !== undefined ? encodeCursor({ after: last.id }) : null,
  };
}

export async function deleteDocument(
  deps: KnowledgeDeps,
  collectionName: string,
  id: string,
): Promise<void> {
  const collection = await requireCollectionRef(deps, collectionName);
  const deleted = await deleteDocuments(deps.db.pool, collection.id, [id]);
  if (deleted.length === 0)
    throw new KnowledgeError(
      'document_not_found',
      `document ${id} does not exist in ${collectionName}`,
    );
  await deps.index.remove(collection, deleted);
  await bumpGeneration(deps.cache, collection.id);
}
