import { createHash, randomUUID } from 'node:crypto';
import type { DocumentInput } from '../api/documents.ts';
import { chunkText } from '../embeddings/chunking.ts';
import { embedEach, requireEmbedderDimension } from './embed.ts';
import { KnowledgeError, type FieldFault } from './errors.ts';
import { writeDocuments, type DocumentWrite } from '../store/documents.ts';
import { transaction } from '../store/sql.ts';
import { requireCollectionRef } from './collections.ts';
import type { KnowledgeDeps } from './deps.ts';
import { bumpGeneration } from './generation.ts';

/** One id twice in a batch would make the batch's outcome depend on order: refuse it. */
function refuseRepeatedIds(inputs: readonly DocumentInput[]): void {
  const first = new Map<string, number>();
  const errors: FieldFault[] = [];
  inputs.forEach((input, index) => {
    if (input.id === undefined) return;
    const seen = first.get(input.id);
    if (seen === undefined) first.set(input.id, index);
    else
      errors.push({
        field: `documents.${index}.id`,
        message: `repeats the id of documents.${seen}`,
      });
  });
  if (errors.length > 0)
    throw new KnowledgeError('duplicate_id', 'ids must be unique within one batch', errors);
}

export interface IngestResult {
  readonly ids: string[];
  readonly chunks: number;
}

/**
 * Stores a batch of documents: split into chunks, embed, then write documents, chunks and index
 * entries in one transaction. Re-ingesting an id replaces the document and all of its chunks.
 */
export async function ingestDocuments(
  deps: KnowledgeDeps,
  collectionName: string,
  inputs: readonly DocumentInput[],
  signal?: AbortSignal,
): Promise<IngestResult> {
  refuseRepeatedIds(inputs);
  const collection = await requireCollectionRef(deps, collectionName);
  requireEmbedderDimension(deps.embedder, collection);
  const pieces = inputs.map((input) => chunkText(input.content));
  const vectors = await embedEach(deps.embedder, pieces.flat(), signal);
  let next = 0;
  const documents: DocumentWrite[] = inputs.map((input, i) => ({
    id: input.id ?? randomUUID(),
    title: input.title ?? null,
    content: input.content,
    metadata: input.metadata ?? {},
    source: input.source ?? null,
    contentSha256: createHash('sha256').update(input.content).digest('hex'),
    chunks: (pieces[i] ?? []).map((content, index) => ({
      index,
      content,
      // embedEach returns exactly one vector per chunk.
      embedding: vectors[next++] as Float32Array,
    })),
  }));
  const indexed = documents.map((doc) => ({
    documentId: doc.id,
    title: doc.title,
    metadata: doc.metadata,
    chunks: doc.chunks,
  }));
  await transaction(deps.db.pool, async (tx) => {
    await writeDocuments(tx, collection.id, documents);
    await deps.index.upsert(tx, collection, indexed);
  });
  deps.index.afterCommit(collection, indexed);
  deps.telemetry.documentsIngested(documents.length);
  deps.telemetry.chunksEmbedded(next);
  await bumpGeneration(deps.cache, collection.id);
  return { ids: documents.map((doc) => doc.id), chunks: next };
}
