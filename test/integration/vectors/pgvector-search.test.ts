import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { insertCollection } from '../../../service/store/collections.ts';
import {
  deleteDocuments,
  writeDocuments,
  type DocumentWrite,
} from '../../../service/store/documents.ts';
import { transaction } from '../../../service/store/sql.ts';
import { createPgvectorIndex } from '../../../service/vectors/pgvector.ts';
import type { IndexedCollection } from '../../../service/vectors/vector-index.ts';
import { describeWith } from '../../support/not-checked.ts';
import { oneChunkDocument } from '../../support/one-chunk-document.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import { pgvectorOnPostgres } from '../../support/vector-backends.ts';

const dimension = 8;

/** Unit vectors around `pole` (+1 or -1 on the first axis), each a little different. */
function docs(prefix: string, count: number, pole: 1 | -1): DocumentWrite[] {
  return Array.from({ length: count }, (_, i) => {
    const raw = Array.from({ length: dimension }, (_, d) =>
      d === 0 ? pole : 0.05 * Math.sin(i * 7.3 + d * 1.9),
    );
    const norm = Math.hypot(...raw);
    return oneChunkDocument(
      `${prefix}-${String(i)}`,
      Float32Array.from(raw, (v) => v / norm),
    );
  });
}

/**
 * Searches without a metadata filter run the graph without pgvector's iterative scans, which cost
 * CPU on every search; they must still come back complete when the graph's nearest entries are
 * rows deleted and not yet vacuumed.
 */
describeWith(pgvectorMissing(), 'pgvector search over a graph with dead rows', () => {
  let backend: Awaited<ReturnType<typeof pgvectorOnPostgres>>;
  let collection: IndexedCollection;

  beforeAll(async () => {
    backend = await pgvectorOnPostgres();
    // The dead rows stay in the graph for the length of the test.
    await backend.pool.query('ALTER TABLE pgvector_chunks SET (autovacuum_enabled = false)');
    const row = await insertCollection(backend.pool, 'starved', dimension, {});
    if (row === undefined) throw new Error('collection not created');
    collection = row;
  });
  afterAll(async () => {
    await backend.close();
  });

  it('finds the live rows behind more deleted ones than ef_search', async () => {
    const near = docs('near', 600, 1);
    const far = docs('far', 40, -1);
    const all = [...near, ...far];
    await transaction(backend.pool, async (tx) => {
      await writeDocuments(tx, collection.id, all);
      await backend.index.upsert(
        tx,
        collection,
        all.map((d) => ({ documentId: d.id, metadata: d.metadata, chunks: d.chunks })),
      );
    });
    backend.index.afterCommit(collection, []);
    await backend.settle();
    const { rows: graph } = await backend.pool.query<{ valid: boolean }>(
      `SELECT indisvalid AND indisready AS valid FROM pg_index
       WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)`,
      [collection.id],
    );
    expect(graph).toEqual([{ valid: true }]);
    // The 600 entries nearest the query, more than ef_search (400), are now dead.
    await deleteDocuments(
      backend.pool,
      collection.id,
      near.map((d) => d.id),
    );

    // A planner that scans a table this small exactly is told to take the graph, as it does
    // on a large one: a search-only index on such connections (no prepare, no indexer).
    const pool = new pg.Pool({
      connectionString: backend.url,
      options: '-c enable_seqscan=off -c enable_bitmapscan=off',
    });
    const searching = createPgvectorIndex({
      pool,
      logger: createLogger({ level: 'silent', name: 'test' }),
    });
    const hits = await searching
      .search(collection, {
        vector: Float32Array.from({ length: dimension }, (_, d) => (d === 0 ? 1 : 0)),
        limit: 20,
        offset: 0,
      })
      .finally(() => pool.end());

    expect(hits).toHaveLength(20);
    expect(hits.every((hit) => hit.documentId.startsWith('far-'))).toBe(true);
  });
});
