import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { deleteCollection, insertCollection } from '../../../service/store/collections.ts';
import { writeDocuments, type DocumentWrite } from '../../../service/store/documents.ts';
import { transaction } from '../../../service/store/sql.ts';
import { createPgvectorIndex } from '../../../service/vectors/pgvector.ts';
import { graphDistance } from '../../../service/vectors/pgvector-build.ts';
import type { IndexedCollection } from '../../../service/vectors/vector-index.ts';
import { describeWith } from '../../support/not-checked.ts';
import { oneChunkDocument } from '../../support/one-chunk-document.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import { pgvectorOnPostgres } from '../../support/vector-backends.ts';
import { waitFor } from '../../support/wait.ts';

const dimension = 8;

function docs(prefix: string, count: number): DocumentWrite[] {
  return Array.from({ length: count }, (_, i) =>
    oneChunkDocument(
      `${prefix}-${String(i)}`,
      Float32Array.from({ length: dimension }, (_, d) => Math.cos(i + d)),
    ),
  );
}

/**
 * The deferred HNSW indexer of several replicas on one PostgreSQL with pgvector: each replica's
 * index object runs its own indexer over the shared queue (pgvector_pending).
 */
describeWith(pgvectorMissing(), 'pgvector indexers of several replicas on one database', () => {
  let backend: Awaited<ReturnType<typeof pgvectorOnPostgres>>;
  let collection: IndexedCollection;
  let batches = 0;

  /** Queues documents without kicking any indexer, as an ingest just before it commits. */
  async function queue(count: number): Promise<DocumentWrite[]> {
    batches += 1;
    const list = docs(`b${String(batches)}`, count);
    await transaction(backend.pool, async (tx) => {
      await writeDocuments(tx, collection.id, list);
      await backend.index.upsert(
        tx,
        collection,
        list.map((d) => ({ documentId: d.id, metadata: d.metadata, chunks: d.chunks })),
      );
    });
    return list;
  }

  async function count(table: 'pgvector_pending' | 'pgvector_chunks'): Promise<number> {
    const { rows } = await backend.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]?.n);
  }

  /** Another replica: its own pool and its own indexer on the same database; it keeps its logs. */
  function replica(sweepMs?: number) {
    const pool = new pg.Pool({ connectionString: backend.url, max: 4 });
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      name: 'test',
      destination: { write: (line: string) => lines.push(line) },
    });
    const index = createPgvectorIndex({ pool, logger, ...(sweepMs ? { sweepMs } : {}) });
    return { pool, index, lines };
  }

  beforeAll(async () => {
    backend = await pgvectorOnPostgres();
    const row = await insertCollection(backend.pool, 'shared', dimension, {});
    if (row === undefined) throw new Error('collection not created');
    await backend.index.createCollection(row, backend.pool);
    collection = row;
    await backend.settle();
  });
  afterAll(async () => {
    await backend.close();
  });

  it('two indexers drain one queue to zero, each row moved exactly once', async () => {
    const other = replica();
    await other.index.prepare(other.pool);
    try {
      const before = backend.index.moved() + other.index.moved();
      const list = await queue(400);
      backend.index.afterCommit(collection, []);
      other.index.afterCommit(collection, []);
      await Promise.all([backend.index.drained(), other.index.drained()]);
      expect(await count('pgvector_pending')).toBe(0);
      expect(backend.index.moved() + other.index.moved() - before).toBe(list.length);
      // Search sees all of them through the graph.
      const hits = await other.index.search(collection, {
        vector: list[7]?.chunks[0]?.embedding ?? new Float32Array(dimension),
        limit: 1,
        offset: 0,
      });
      expect(hits[0]?.documentId).toBe(list[7]?.id);
    } finally {
      await other.index.close();
      await other.pool.end();
    }
  });

  it('a bulk backlog is indexed by one graph build on one replica, each row moved once', async () => {
    const other = replica();
    await other.index.prepare(other.pool);
    try {
      const before = backend.index.moved() + other.index.moved();
      const buildsBefore = backend.index.builds() + other.index.builds();
      const list = await queue(2_500);
      backend.index.afterCommit(collection, []);
      other.index.afterCommit(collection, []);
      await Promise.all([backend.index.drained(), other.index.drained()]);
      expect(await count('pgvector_pending')).toBe(0);
      expect(backend.index.moved() + other.index.moved() - before).toBe(list.length);
      expect(backend.index.builds() + other.index.builds() - buildsBefore).toBe(1);
      const { rows } = await backend.pool.query<{ valid: boolean }>(
        `SELECT indisvalid AND indisready AS valid FROM pg_index
         WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)`,
        [collection.id],
      );
      expect(rows).toEqual([{ valid: true }]);
      // The rebuilt graph answers as an exact scan does. cos(i + d) repeats every 710 ids to
      // within float precision, so the three nearest are near-ties: compared as a set.
      const nearest = async (scan: 'index' | 'seq'): Promise<unknown> => {
        const client = await backend.pool.connect();
        try {
          await client.query(
            scan === 'index' ? 'SET enable_seqscan = off' : 'SET enable_indexscan = off',
          );
          // The graph's candidates ranked by full precision, as a search ranks them: at half
          // precision those near-ties are exact ties.
          const exact = `embedding::vector(${String(dimension)}) <=> $2::real[]::vector(${String(dimension)})`;
          const { rows: found } = await client.query<{ document_id: string }>(
            `SELECT document_id FROM (
               SELECT document_id, embedding FROM pgvector_chunks WHERE collection_id = $1
               ORDER BY ${scan === 'index' ? graphDistance(dimension, 'embedding', '$2::real[]') : exact}
               LIMIT 20) candidates
             ORDER BY ${exact}
             LIMIT 3`,
            [collection.id, Array.from(list[1234]?.chunks[0]?.embedding ?? [])],
          );
          return found.map((row) => row.document_id).sort();
        } finally {
          await client.query('RESET enable_seqscan; RESET enable_indexscan');
          client.release();
        }
      };
      const fromGraph = await nearest('index');
      expect(fromGraph).toEqual(await nearest('seq'));
      expect(fromGraph).toContain(list[1234]?.id);
      expect(other.lines).toEqual([]);
    } finally {
      await other.index.close();
      await other.pool.end();
    }
  });

  it('rebuilds a graph that a stopped build left missing, with nothing queued', async () => {
    const other = replica();
    try {
      // A replica stopped between dropping the graph and building it again.
      await backend.pool.query(`DROP INDEX CONCURRENTLY pgvector_hnsw_${String(collection.id)}`);
      expect(await count('pgvector_pending')).toBe(0);
      await other.index.drained();
      const { rows } = await backend.pool.query<{ valid: boolean }>(
        `SELECT indisvalid AND indisready AS valid FROM pg_index
         WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)`,
        [collection.id],
      );
      expect(rows).toEqual([{ valid: true }]);
      expect(other.index.builds()).toBe(1);
    } finally {
      await other.index.close();
      await other.pool.end();
    }
  });

  it('rebuilds a graph of full-precision vectors, left by an older version, as halfvec', async () => {
    const other = replica();
    const definition = async (): Promise<string | undefined> => {
      const { rows } = await backend.pool.query<{ def: string }>(
        `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index
         WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint) AND indisvalid`,
        [collection.id],
      );
      return rows[0]?.def;
    };
    try {
      const name = `pgvector_hnsw_${String(collection.id)}`;
      await backend.pool.query(`DROP INDEX CONCURRENTLY ${name}`);
      await backend.pool.query(`CREATE INDEX ${name} ON pgvector_chunks
        USING hnsw ((embedding::vector(${String(dimension)})) vector_cosine_ops)
        WHERE collection_id = ${String(collection.id)}`);
      expect(await definition()).toContain('vector_cosine_ops');
      await other.index.drained();
      expect(await definition()).toContain('halfvec_cosine_ops');
      expect(other.index.builds()).toBe(1);
      expect(other.lines).toEqual([]);
    } finally {
      await other.index.close();
      await other.pool.end();
    }
  });

  it('stopping a replica cancels its graph build; the other one builds the graph', async () => {
    const stopping = replica();
    const other = replica();
    // A transaction writing the shared table: concurrent DDL waits for it, so the build is
    // still running when the replica stops.
    const writer = new pg.Client({ connectionString: backend.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('LOCK TABLE pgvector_chunks IN ROW EXCLUSIVE MODE');
      await queue(2_500);
      stopping.index.afterCommit(collection, []);
      void stopping.index.drained();
      await waitFor('the build to wait for the writer', async () => {
        const { rows } = await backend.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE '%INDEX CONCURRENTLY%'`,
        );
        return Number(rows[0]?.n) > 0;
      });
      await stopping.index.close();
      const { rows: still } = await backend.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE state = 'active' AND query LIKE '%INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()`,
      );
      expect(Number(still[0]?.n)).toBe(0);
      await writer.query('COMMIT');
      await other.index.drained();
      expect(await count('pgvector_pending')).toBe(0);
      const { rows } = await backend.pool.query<{ valid: boolean }>(
        `SELECT indisvalid AND indisready AS valid FROM pg_index
         WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)`,
        [collection.id],
      );
      expect(rows).toEqual([{ valid: true }]);
      expect(stopping.lines).toEqual([]);
    } finally {
      await writer.end();
      await stopping.pool.end();
      await other.index.close();
      await other.pool.end();
    }
  });

  it('deleting a collection does not wait for a graph build; its graph is dropped after it', async () => {
    const other = replica(100);
    const graphOf = async (id: number): Promise<unknown[]> =>
      (
        await backend.pool.query(
          `SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)`,
          [id],
        )
      ).rows;
    // A build of another collection holds what CREATE INDEX CONCURRENTLY holds on the table
    // every collection shares; a DROP INDEX, even concurrent, waits for it.
    const build = new pg.Client({ connectionString: backend.url });
    await build.connect();
    try {
      const doomed = await insertCollection(backend.pool, 'doomed', dimension, {});
      if (doomed === undefined) throw new Error('collection not created');
      await other.index.prepare(other.pool);
      await other.index.drained();
      expect(await graphOf(doomed.id)).toEqual([{ indisvalid: true }]);
      await build.query('BEGIN');
      await build.query('LOCK TABLE pgvector_chunks IN SHARE UPDATE EXCLUSIVE MODE');
      await deleteCollection(backend.pool, doomed.id);
      await other.index.dropCollection(doomed);
      await waitFor('the background drop to wait for the build', async () => {
        const { rows } = await backend.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE 'DROP INDEX CONCURRENTLY%'`,
        );
        return Number(rows[0]?.n) > 0;
      });
      expect(await graphOf(doomed.id)).toEqual([{ indisvalid: true }]);
      await build.query('COMMIT');
      await waitFor('the deleted collection’s graph to be dropped', async () => {
        return (await graphOf(doomed.id)).length === 0;
      });
      expect(await graphOf(collection.id)).toEqual([{ indisvalid: true }]);
      expect(other.lines).toEqual([]);
    } finally {
      await build.end();
      await other.index.close();
      await other.pool.end();
    }
  });

  it('an indexer never deadlocks with a delete that locks the chunk before its queue row', async () => {
    const indexer = replica();
    const [victim] = await queue(3);
    // The lock order of a cascading delete: the chunk row first, its queue row after. Before
    // the fix the indexer took them the other way round, and the deadlock detector killed one
    // of the two after deadlock_timeout.
    const deleter = new pg.Client({ connectionString: backend.url });
    await deleter.connect();
    try {
      await deleter.query('BEGIN');
      await deleter.query(
        'SELECT 1 FROM chunks WHERE collection_id = $1 AND document_id = $2 FOR UPDATE',
        [collection.id, victim?.id],
      );
      let finished = false;
      indexer.index.afterCommit(collection, []);
      const drained = indexer.index.drained().then(() => {
        finished = true;
      });
      await waitFor('the indexer to finish its batch or wait for a lock', async () => {
        if (finished) return true;
        // Not the deleter: inside a transaction pg_stat_activity is a snapshot.
        const { rows } = await backend.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE 'WITH%pgvector_pending%'`,
        );
        return Number(rows[0]?.n) > 0;
      });
      await deleter.query(
        'DELETE FROM pgvector_pending WHERE collection_id = $1 AND document_id = $2',
        [collection.id, victim?.id],
      );
      await deleter.query('COMMIT');
      await drained;
      // The indexer skipped the locked row, moved the other two, and never failed.
      expect(await count('pgvector_pending')).toBe(0);
      expect(indexer.index.moved()).toBe(2);
      expect(indexer.lines).toEqual([]);
    } finally {
      await deleter.end();
      await indexer.index.close();
      await indexer.pool.end();
    }
  });

  it('rows a dead replica had claimed are picked up by the other one', async () => {
    await queue(5);
    // A replica killed in the middle of a batch: its transaction holds the claim when its
    // connection dies.
    const dying = new pg.Client({ connectionString: backend.url });
    await dying.connect();
    dying.on('error', () => undefined);
    const { rows } = await dying.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await dying.query('BEGIN');
    await dying.query('SELECT 1 FROM pgvector_pending FOR UPDATE');
    const survivor = replica(100);
    await survivor.index.prepare(survivor.pool);
    try {
      const before = survivor.index.moved() + backend.index.moved();
      await backend.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      // Nobody kicks an indexer: a sweep finds the released rows.
      await waitFor('the queue to drain', async () => (await count('pgvector_pending')) === 0);
      expect(survivor.index.moved() + backend.index.moved() - before).toBe(5);
    } finally {
      await survivor.index.close();
      await survivor.pool.end();
    }
  });
});
