import type { GcResult } from '../api/admin.ts';
import { deleteDocuments, expiredDocuments } from '../store/documents.ts';
import type { KnowledgeDeps } from './deps.ts';
import { bumpGeneration } from './generation.ts';

// Documents deleted per run: bounds the time one run holds the database; the next run goes on.
const maxDeletionsPerRun = 10_000;

/**
 * Deletes documents past their collection's TTL and asks the index for vectors without a row
 * (left by a failure between an external index and the database). A dry run only counts.
 */
export async function collectGarbage(deps: KnowledgeDeps, dryRun: boolean): Promise<GcResult> {
  const deleted = { document: 0, qdrant_point: 0 };
  try {
    const expired = await expiredDocuments(deps.db.pool, maxDeletionsPerRun);
    const orphanPoints = await deps.index.collectOrphans(deps.db.pool, dryRun);
    if (!dryRun) {
      deleted.qdrant_point = orphanPoints;
      const byCollection = Map.groupBy(expired, (doc) => doc.collectionId);
      for (const [collectionId, docs] of byCollection) {
        const ids = await deleteDocuments(
          deps.db.pool,
          collectionId,
          docs.map((doc) => doc.id),
        );
        await deps.index.remove({ id: collectionId, dimension: 0 }, ids);
        await bumpGeneration(deps.cache, collectionId);
        deleted.document += ids.length;
      }
    }
    deps.telemetry.collectedGarbage(dryRun, true, deleted);
    return {
      dry_run: dryRun,
      expired_documents: expired.length,
      // Chunks reference their document with ON DELETE CASCADE, so none can outlive it.
      orphan_chunks: 0,
      orphan_points: orphanPoints,
    };
  } catch (error) {
    deps.telemetry.collectedGarbage(dryRun, false, deleted);
    throw error;
  }
}
