import type { GcResult } from '../api/admin.ts';
import { deleteDocuments, expiredDocuments } from '../store/documents.ts';
import type { KnowledgeDeps } from './deps.ts';
import { bumpGeneration } from './generation.ts';

// Documents deleted per run: bounds the time one run holds the database; the next run goes on.
const maxDeletionsPerRun = 10_000;

/**
 * Deletes documents past their collection's TTL and asks the index for vectors without a row.
 * A dry run only counts.
 */
export async function collectGarbage(deps: KnowledgeDeps, dryRun: boolean): Promise<GcResult> {
  const expired = await expiredDocuments(deps.db.pool, maxDeletionsPerRun);
  const { rows } = await deps.db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM chunks c
     WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.collection_id = c.collection_id AND d.id = c.document_id)`,
  );
  const orphanChunks = Number(rows[0]?.n ?? 0);
  const orphanPoints = await deps.index.collectOrphans(deps.db.pool, dryRun);
  if (!dryRun) {
    const byCollection = new Map<number, string[]>();
    for (const doc of expired)
      byCollection.set(doc.collectionId, [...(byCollection.get(doc.collectionId) ?? []), doc.id]);
    for (const [collectionId, ids] of byCollection) {
      const deleted = await deleteDocuments(deps.db.pool, collectionId, ids);
      await deps.index.remove({ id: collectionId, dimension: 0 }, deleted);
      await bumpGeneration(deps.cache, collectionId);
    }
    if (orphanChunks > 0) {
      await deps.db.pool.query(
        `DELETE FROM chunks c
         WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.collection_id = c.collection_id AND d.id = c.document_id)`,
      );
    }
  }
  return {
    dry_run: dryRun,
    expired_documents: expired.length,
    orphan_chunks: orphanChunks,
    orphan_points: orphanPoints,
  };
}
