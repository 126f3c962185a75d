import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import type { Sql } from '../store/sql.ts';
import { withClient } from '../store/sql.ts';
import type { IndexedCollection } from './vector-index.ts';

/**
 * Whole-index builds for the pgvector indexer. Measured on PostgreSQL 15 + pgvector 0.8.6 with
 * 384-dim vectors of the built-in embedder (bench/pgvector-hnsw.ts, m=24, ef_construction=100):
 * CREATE INDEX builds a 10k-vector graph at 1,600–2,400 vectors/s, while inserting rows into the
 * live graph runs at ~230 vectors/s whatever the batch size (16 or 256 rows a statement): each
 * insert walks the graph and rewrites neighbour pages under buffer locks. So a backlog that is
 * large against what the graph holds is cheaper to index by dropping the collection's graph,
 * moving the rows in without it, and building the graph once.
 */

// HNSW parameters and the search-time candidate list: see hnswSettings in pgvector.ts.
export interface HnswParameters {
  readonly m: number;
  readonly efConstruction: number;
}

/** DDL cannot take parameters; ids and dimensions are integers from the database, never input. */
export function checkedInteger(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new TypeError(`pgvector: ${value} is not an id`);
  return value;
}

export function indexName(collection: Pick<IndexedCollection, 'id'>): string {
  return `pgvector_hnsw_${checkedInteger(collection.id)}`;
}

/**
 * The cosine distance a graph orders by: of half-precision copies (pgvector's halfvec). Measured
 * with bench/pgvector-hnsw.ts at 10k vectors (m=24, ef_construction=100, ef_search 400): the
 * same recall@10 as full precision (0.981 against 0.980 and 0.978), half the graph's memory,
 * and searches in about half the time (p50 4.5–4.8 ms against 7.3–9.4 ms); builds take as
 * long. Searches rank what the graph finds by the full-precision distance.
 */
export function graphDistance(dimension: number, left: string, right: string): string {
  const type = `halfvec(${checkedInteger(dimension)})`;
  return `${left}::${type} <=> ${right}::${type}`;
}

/** In a graph's definition (pg_get_indexdef): graphs of full-precision vectors are rebuilt. */
const graphOperators = 'halfvec_cosine_ops';

export function createIndexSql(
  collection: IndexedCollection,
  hnsw: HnswParameters,
  concurrently: boolean,
): string {
  return `CREATE INDEX ${concurrently ? 'CONCURRENTLY' : ''} IF NOT EXISTS ${indexName(collection)}
    ON pgvector_chunks
    USING hnsw ((embedding::halfvec(${checkedInteger(collection.dimension)})) ${graphOperators})
    WITH (m = ${checkedInteger(hnsw.m)}, ef_construction = ${checkedInteger(hnsw.efConstruction)})
    WHERE collection_id = ${checkedInteger(collection.id)}`;
}

/**
 * Moves up to `limit` queued chunks of `collections` into pgvector_chunks. Claims with SKIP LOCKED on the queue row and on its chunk row, and then waits on no
 * lock: rows another replica's indexer holds, or that a delete or re-ingest is removing, are
 * left to them. That is why several replicas can run this on one database without a leader:
 * they share the queue, never move a row twice, and a replica that dies mid-batch rolls its
 * claim back for the others to take. And because it never waits, it cannot be one end of a
 * deadlock with a cascading delete (which locks the chunk, then the queue row).
 */
export async function moveQueued(
  sql: Sql,
  limit: number,
  collections: readonly number[],
): Promise<number> {
  if (collections.length === 0) return 0;
  const result = await sql.query(
    `WITH claimed AS (
       SELECT q.collection_id, q.document_id, q.chunk_index, c.embedding
       FROM pgvector_pending q
       JOIN chunks c USING (collection_id, document_id, chunk_index)
       WHERE q.collection_id = ANY($2::bigint[])
       LIMIT $1
       FOR UPDATE OF q SKIP LOCKED
       FOR KEY SHARE OF c SKIP LOCKED),
     moved AS (
       DELETE FROM pgvector_pending q USING claimed b
       WHERE (q.collection_id, q.document_id, q.chunk_index)
           = (b.collection_id, b.document_id, b.chunk_index)
       RETURNING b.collection_id, b.document_id, b.chunk_index, b.embedding)
     INSERT INTO pgvector_chunks (collection_id, document_id, chunk_index, embedding)
     SELECT collection_id, document_id, chunk_index, embedding::vector FROM moved
     ON CONFLICT (collection_id, document_id, chunk_index) DO UPDATE SET embedding = EXCLUDED.embedding`,
    [limit, collections],
  );
  return result.rowCount ?? 0;
}

/** What the indexer knows of one collection with queued chunks. */
export interface QueueState {
  readonly pending: number;
  /**
   * The collection's graph exists, is valid (a failed concurrent build leaves it invalid) and is
   * of the current kind (a graph of full-precision vectors, from before halfvec, is rebuilt).
   */
  readonly valid: boolean;
  /** Vectors in the graph when it was built or last analysed (pg_class.reltuples). */
  readonly indexed: number;
}

/** The queue's length at an earlier moment, to tell an import still running from one done. */
export interface QueueSample {
  readonly pending: number;
  readonly atMs: number;
}

export type QueuePlan = 'rows' | 'build' | 'wait';

/**
 * What to do with a collection's queue: move it row by row into the live graph, rebuild the
 * graph, or wait. Rebuilding pays once the backlog is a tenth of the graph: rows go into a live
 * graph at ~230 vectors/s at 10k and ~60/s at 100k, while a build takes 1,900/s and 700/s
 * (bench/pgvector-hnsw.ts). But a build started while an import is still queueing rows leaves
 * what came during the build to the slow path (measured: 20k chunks left after a 170 s build at
 * 100k), so a large backlog that still grows by `importRate` chunks a second or more waits, searched
 * exactly, until the import slows; the row path leaves it alone meanwhile. The rate is about
 * what the row path moves: with 2,000 a second, a dip of a 3,000-a-second import started a
 * build half-way through it.
 */
export function planQueue(
  state: QueueState,
  earlier: QueueSample | undefined,
  nowMs: number,
  minimum: number,
  importRate = 250,
): QueuePlan {
  if (state.pending === 0) return state.valid ? 'rows' : 'build';
  const backlog = !state.valid || state.pending >= Math.max(minimum, state.indexed / 10);
  if (!backlog) return 'rows';
  if (state.pending < minimum) return 'build';
  if (earlier === undefined || nowMs - earlier.atMs < 500) return 'wait';
  const perSecond = ((state.pending - earlier.pending) * 1000) / (nowMs - earlier.atMs);
  return perSecond >= importRate ? 'wait' : 'build';
}

export interface QueuedCollection extends IndexedCollection, QueueState {}

/**
 * Collections with queued chunks or without a valid graph (a build that was stopped or failed
 * leaves the graph missing or invalid, maybe with nothing queued; an older version of aidb left
 * a graph that searches no longer use), and the state of their graphs.
 */
export async function queuedCollections(sql: Sql): Promise<QueuedCollection[]> {
  const { rows } = await sql.query<{
    id: string;
    dimension: number;
    pending: string;
    valid: boolean;
    indexed: number;
  }>(
    `SELECT id, dimension, pending, valid, indexed FROM (
       SELECT k.id, k.dimension, coalesce(p.pending, 0) AS pending,
              coalesce(i.indisvalid AND i.indisready
                       AND pg_get_indexdef(i.indexrelid) LIKE '%' || $1 || '%', false) AS valid,
              greatest(coalesce(c.reltuples, 0), 0)::float8 AS indexed
       FROM collections k
       LEFT JOIN (SELECT collection_id, count(*) AS pending FROM pgvector_pending
                  GROUP BY collection_id) p ON p.collection_id = k.id
       LEFT JOIN pg_class c ON c.oid = to_regclass('pgvector_hnsw_' || k.id)
       LEFT JOIN pg_index i ON i.indexrelid = c.oid) s
     WHERE pending > 0 OR NOT valid`,
    [graphOperators],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    dimension: row.dimension,
    pending: Number(row.pending),
    valid: row.valid,
    indexed: row.indexed,
  }));
}

// Session advisory lock (classid, objid) per collection: one replica builds a collection's graph
// at a time. Arbitrary but fixed; distinct from aidb's other advisory locks (bigint keys).
const buildLockClass = 712_645;

// A build runs as long as it needs: not under the request statement and query timeouts.
function unhurried(text: string): pg.QueryConfig {
  const config = { text, query_timeout: 24 * 3_600_000 };
  return config;
}

// Memory a build may use, so the graph is built in memory (pgvector warns and goes on disk
// when it does not fit): ~1.6 kB a 384-dim half-precision vector at m=24, doubled for margin.
function buildMemoryMb(collection: QueuedCollection, limitMb: number): number {
  const rows = collection.pending + collection.indexed;
  const perVector = collection.dimension * 2 + 24 * 2 * 8 + 256;
  return Math.min(limitMb, Math.max(64, Math.ceil((rows * perVector * 2) / 2 ** 20)));
}

export interface BuildOptions {
  readonly hnsw: HnswParameters;
  readonly logger: Logger;
  /** Upper bound of maintenance_work_mem for one build, MB. */
  readonly memoryLimitMb: number;
  readonly closed: () => boolean;
  /** The backend running the build, while it runs: stopping the service cancels the build. */
  readonly building: (pid: number | undefined) => void;
}

/**
 * Runs `work` holding the collection's build lock on one connection, reporting that connection's
 * backend while it runs (stopping the service cancels it). Undefined when another replica holds
 * the lock.
 */
async function withGraphLock<T>(
  pool: pg.Pool,
  collectionId: number,
  building: (pid: number | undefined) => void,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T | undefined> {
  const key = [buildLockClass, collectionId % 2_147_483_647];
  return withClient(pool, async (client) => {
    const { rows } = await client.query<{ locked: boolean; pid: number }>(
      'SELECT pg_try_advisory_lock($1, $2::int) AS locked, pg_backend_pid() AS pid',
      key,
    );
    if (rows[0]?.locked !== true) return undefined;
    building(rows[0].pid);
    try {
      return await work(client);
    } finally {
      building(undefined);
      await client.query('SELECT pg_advisory_unlock($1, $2::int)', key);
    }
  });
}

/**
 * Drops the collection's graph, moves its whole queue in, and builds the graph once. Concurrent
 * DDL only: a plain CREATE or DROP INDEX would lock the table every collection shares against
 * writes (or, for DROP, against reads too) for the length of the build. Searches stay complete:
 * without the graph they scan the collection's rows exactly. Returns the chunks it moved, or
 * undefined when another replica holds the collection's build lock.
 */
export async function buildCollectionGraph(
  pool: pg.Pool,
  collection: QueuedCollection,
  { hnsw, logger, memoryLimitMb, closed, building }: BuildOptions,
): Promise<number | undefined> {
  return withGraphLock(pool, collection.id, building, async (client) => {
    try {
      const started = performance.now();
      await client.query('SET statement_timeout = 0');
      await client.query(
        `SET maintenance_work_mem = '${buildMemoryMb(collection, memoryLimitMb)}MB'`,
      );
      const drop = unhurried(`DROP INDEX CONCURRENTLY IF EXISTS ${indexName(collection)}`);
      await client.query(drop);
      let moved = 0;
      for (;;) {
        if (closed()) return moved;
        const n = await moveQueued(client, 5_000, [collection.id]);
        if (n === 0) break;
        moved += n;
      }
      const build = () => client.query(unhurried(createIndexSql(collection, hnsw, true)));
      try {
        await build();
      } catch (error) {
        // A parallel build takes its memory as shared memory; a small /dev/shm (containers)
        // refuses it with 53100. One worker, the leader, needs none.
        if ((error as { code?: string }).code !== '53100') throw error;
        await client.query(drop);
        await client.query('SET max_parallel_maintenance_workers = 0');
        await build();
      }
      logger.info(
        {
          collection: collection.id,
          moved,
          seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        },
        'pgvector: built the collection graph',
      );
      return moved;
    } finally {
      await client.query(
        'RESET statement_timeout; RESET maintenance_work_mem; RESET max_parallel_maintenance_workers',
      );
    }
  });
}

/**
 * Drops the graphs of deleted collections; returns how many it dropped. A delete leaves its
 * graph to this: DROP INDEX CONCURRENTLY waits for every running build on the table all
 * collections share (minutes at 100k), and a delete must not wait for another collection.
 * The orphan's predicate matches no row meanwhile, so it holds no data and serves no search.
 */
export async function dropOrphanGraphs(
  pool: pg.Pool,
  building: (pid: number | undefined) => void,
): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT substring(c.relname from 15) AS id
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'pgvector_chunks'::regclass AND c.relname ~ '^pgvector_hnsw_[0-9]+$'
       AND NOT EXISTS (SELECT 1 FROM collections k WHERE k.id = substring(c.relname from 15)::bigint)`,
  );
  let dropped = 0;
  for (const { id } of rows) {
    const collection = { id: Number(id) };
    const done = await withGraphLock(pool, collection.id, building, async (client) => {
      await client.query('SET statement_timeout = 0');
      try {
        await client.query(unhurried(`DROP INDEX CONCURRENTLY IF EXISTS ${indexName(collection)}`));
      } finally {
        await client.query('RESET statement_timeout');
      }
      return true;
    });
    if (done === true) dropped += 1;
  }
  return dropped;
}
