import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import type { ChunkHit, Metadata } from '../store/documents.ts';
import { encodeFloat4Array } from '../store/float4-array.ts';
import { withClient, type Sql } from '../store/sql.ts';
import {
  buildCollectionGraph,
  dropOrphanGraphs,
  checkedInteger,
  createIndexSql,
  graphDistance,
  moveQueued,
  queuedCollections,
  planQueue,
  type QueueSample,
} from './pgvector-build.ts';
import type { IndexedCollection, VectorIndex, VectorQuery } from './vector-index.ts';

/**
 * pgvector HNSW search with deferred index maintenance.
 *
 * Inserting into an HNSW graph costs 2–11 ms per vector in PGlite (measured here: m=16,
 * ef_construction=64 → 11.5 ms; m=8, ef_construction=32 → 2 ms), which would cap ingest far
 * below the 500 documents/s bar. So ingest only queues chunk keys in `pgvector_pending`; a
 * background indexer moves them into the HNSW-indexed `pgvector_chunks`, and search covers both:
 * the graph for indexed chunks, an exact scan for the (normally empty) queue. Results are
 * therefore complete at every moment, and fast once the indexer catches up. A small backlog is
 * moved in small batches into the live graph; a large one (a bulk import, adoption of an
 * existing database) by rebuilding the collection's graph once (pgvector-build.ts), ~10× faster.
 */

// HNSW parameters, measured with bench/pgvector-hnsw.ts on PostgreSQL 15 + pgvector 0.8.6 at 10k
// vectors of bench/search's corpus (built-in embedder, 8-word queries, recall@10 against an
// exact scan of the same rows, 100 queries; 2026-12-06, 2 busy cores):
//   m=16, ef_construction=200: build 1,736 vectors/s; ef_search 300 → recall 0.912, 3.2 ms
//   m=24, ef_construction=100: build 1,913 vectors/s; ef_search 300 → recall 0.966, 3.3 ms
//   m=32, ef_construction=200: build   956 vectors/s; ef_search 200 → recall 0.965, 3.7 ms
//   m=48, ef_construction=200: build   519 vectors/s; ef_search 100 → recall 0.957, 3.0 ms
// (ef_search 100 with m=24 gave 0.80.) m=24 builds fastest of those over 0.95: builds set how
// long a bulk import takes to catch up. Lexical vectors are hard for a graph: at 100k the same
// graph gives recall 0.61 at ef_search 400 (23 ms), see bench/RESULTS.md. ef_search 400, not
// 300: through the service at 10k documents (~13k chunks, bench:search-external), 300 gave
// recall 0.945–0.963 over three runs, at the bar; 400 gave 1.000.
const hnsw = { m: 24, efConstruction: 100, efSearch: 400 } as const;

// The graph orders by half-precision distances, where rows closer than its precision tie: it
// hands over this many more candidates than asked for, and the search ranks them all by the
// full-precision distance (a test has rows equal to 1e-3 whose order only full precision gets).
const rerankMargin = 20;

// Session settings of a search: a larger candidate list for recall.
const sessionSettings = `SET hnsw.ef_search = ${hnsw.efSearch}`;

// Iterative scans (pgvector 0.8) go on past ef_search candidates when the rows found do not
// survive the query: a metadata filter, deleted rows not yet vacuumed, more rows asked for than
// ef_search. They cost CPU on every search even when nothing more is needed: the scan allocates
// every element it visits and keeps it for a later round (without them it allocates only the
// ef_search it keeps). Measured with the service's query and the bare graph query alternated
// on bench:search-external's databases (ef_search 400, the same pages touched either way),
// backend CPU a search, 2026-12-07, load 2–9: at 10k documents (13,213 chunks) 10.0 vs 5.6 ms,
// 20.6 vs 10.3, 10.4 vs 6.5, 11.6 vs 6.8; at 100k (132,643 chunks) 30.6 vs 19.7 ms (the bare
// graph query without them 17.6). Two runs that ran EXPLAIN ANALYZE between the timed rounds
// showed no difference; the service's searches never run it. So a search runs them only when it may
// need them: with a filter, past ef_search, or again when the graph came back short.
type IterativeScan = 'off' | 'relaxed_order';

/** A row of the search statement; graph_rows and indexed tell a starved graph scan. */
interface SearchRow {
  readonly document_id: string;
  readonly chunk_index: number;
  readonly distance: number;
  readonly graph_rows: string;
  readonly indexed: string;
}

interface HydratedRow extends SearchRow {
  readonly title: string | null;
  readonly content: string;
  readonly metadata: Metadata;
}

const chunkHit = (row: SearchRow): ChunkHit => ({
  documentId: row.document_id,
  chunkIndex: row.chunk_index,
  score: 1 - row.distance,
});

// Chunks moved per indexer statement into a live graph: ~4 ms each on PostgreSQL (~230 a
// second, measured in bench/pgvector-hnsw.ts whether 16 or 256 a statement), so a batch is
// ~0.1 s of work and queued requests wait at most that.
const indexBatch = 32;

// A backlog this large (and at least a tenth of the graph) is indexed by rebuilding the graph,
// once it grows by less than this many chunks a second (see planQueue).
const buildMinimum = 2_000;
const sampleEveryMs = 2_000;

// How often a draining indexer re-reads the queue's shape (one GROUP BY over the queue).
const planEveryMs = 2_000;

export interface PgvectorIndexDeps {
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /**
   * How often an idle indexer looks at the queue without being kicked: it takes over rows that
   * another replica queued and did not move (it died, or it stopped before the queue drained).
   */
  readonly sweepMs?: number;
  /** Upper bound of maintenance_work_mem for one graph build, MB. */
  readonly buildMemoryMb?: number;
}

const defaultSweepMs = 5_000;

export function createPgvectorIndex({
  pool,
  logger,
  sweepMs = defaultSweepMs,
  buildMemoryMb: memoryLimitMb = 1_024,
}: PgvectorIndexDeps): VectorIndex & {
  /**
   * Resolves when this instance has moved what it can and no backlog awaits a graph build
   * (tests and benchmarks wait for it; rows another session holds locked are not waited for).
   */
  drained(): Promise<void>;
  /** Chunks this instance moved into the graph (tests count double work with it). */
  moved(): number;
  /** Whole-graph builds this instance ran. */
  builds(): number;
} {
  let running: Promise<void> | undefined;
  // Connections that have the session settings, and the iterative-scan mode each is in. A
  // connection gets them before its first search, awaited: settings sent from the pool's
  // 'connect' event ran concurrently with the first query on the new connection, which pg
  // deprecates and pg 9 refuses. A mode is changed only when a search needs the other one.
  const configured = new WeakMap<pg.PoolClient, IterativeScan>();
  const configure = async (client: pg.PoolClient, iterative: IterativeScan): Promise<void> => {
    const mode = configured.get(client);
    if (mode === iterative) return;
    const scan = `SET hnsw.iterative_scan = ${iterative}`;
    await client.query(mode === undefined ? `${sessionSettings}; ${scan}` : scan);
    configured.set(client, iterative);
  };

  /** The rows of a search past its offset, best first; `hydrated` adds what a result shows. */
  async function searchRows<Row extends SearchRow>(
    collection: IndexedCollection,
    query: VectorQuery,
    hydrated: boolean,
  ): Promise<Row[]> {
    const dim = checkedInteger(collection.dimension);
    const wanted = query.limit + query.offset;
    const filter = `($4::jsonb IS NULL OR EXISTS (
          SELECT 1 FROM documents d
          WHERE d.collection_id = $1 AND d.id = x.document_id AND d.metadata @> $4::jsonb))`;
    // graph_rows: what the graph branch found; indexed: the collection's rows in the graph's
    // table, counted up to what was asked of it. Fewer found than there are means a scan
    // without iterations was starved (rows deleted and not yet vacuumed took the places).
    const text = `SELECT document_id, chunk_index, distance, graph_rows,
           (SELECT count(*) FROM (SELECT FROM pgvector_chunks c
                                  WHERE c.collection_id = $1 LIMIT $3 + ${rerankMargin}) n) AS indexed
         FROM (SELECT *, count(*) FILTER (WHERE graph) OVER () AS graph_rows FROM (
           (SELECT x.document_id, x.chunk_index, x.embedding::vector(${dim}) <=> $2::real[]::vector(${dim}) AS distance, true AS graph
            FROM pgvector_chunks x
            WHERE x.collection_id = $1 AND ${filter}
            ORDER BY ${graphDistance(dim, 'x.embedding', '$2::real[]')}
            LIMIT $3 + ${rerankMargin})
           UNION ALL
           (SELECT x.document_id, x.chunk_index, x.embedding::vector(${dim}) <=> $2::real[]::vector(${dim}) AS distance, false
            FROM pgvector_pending q
            JOIN chunks x USING (collection_id, document_id, chunk_index)
            WHERE q.collection_id = $1 AND ${filter}
            ORDER BY 3
            LIMIT $3)
         ) hits) counted
         ORDER BY distance, document_id, chunk_index
         LIMIT $3`;
    // Hydrated, the hits are joined with what a result shows; a hit whose document is gone
    // drops out, as in the store's hydrateHits.
    const statement = hydrated
      ? `SELECT h.*, d.title, c.content, d.metadata FROM (${text}) h
           JOIN chunks c
             ON c.collection_id = $1 AND c.document_id = h.document_id AND c.chunk_index = h.chunk_index
           JOIN documents d ON d.collection_id = $1 AND d.id = h.document_id
           ORDER BY h.distance, h.document_id, h.chunk_index`
      : text;
    const params = [
      collection.id,
      encodeFloat4Array(query.vector),
      wanted,
      query.filter === undefined ? null : JSON.stringify(query.filter),
    ];
    const run = (iterative: IterativeScan) =>
      withClient(pool, async (client) => {
        await configure(client, iterative);
        return (await client.query<Row>(statement, params)).rows;
      });
    const needed = query.filter !== undefined || wanted + rerankMargin > hnsw.efSearch;
    let rows = await run(needed ? 'relaxed_order' : 'off');
    const first = rows[0];
    // No row at all: both branches came back empty, the queue's too, so a second try is cheap.
    const short =
      first === undefined ||
      Number(first.graph_rows) < Math.min(Number(first.indexed), wanted + rerankMargin);
    if (!needed && short) rows = await run('relaxed_order');
    return rows
      .slice(query.offset)
      .filter((row) => query.minScore === undefined || 1 - row.distance >= query.minScore);
  }

  // Counts kicks, so rows committed while a drain is finishing are not left behind.
  let kicks = 0;
  let closed = false;
  let moved = 0;
  let builds = 0;
  // Backends running this instance's graph DDL: stopping the service cancels them.
  const ddlBackends = new Set<number>();
  const ddlBackend = (): ((pid: number | undefined) => void) => {
    let own: number | undefined;
    return (pid) => {
      if (own !== undefined) ddlBackends.delete(own);
      own = pid;
      if (pid !== undefined) ddlBackends.add(pid);
    };
  };
  let dropping: Promise<void> | undefined;
  let sweep: NodeJS.Timeout | undefined;

  // Collections whose queue the last plan gave to the row-by-row path; the others wait for, or
  // are in, a graph build (here or on another replica). A collection queued since is left to
  // the next plan, at most planEveryMs away: a bulk import must not start row by row.
  let byRows: readonly number[] = [];
  // The last plan left a backlog waiting for a build, here or on another replica.
  let backlog = false;
  // Queue lengths seen a while ago, per collection: is an import still running?
  const samples = new Map<number, QueueSample>();

  async function moveBatch(): Promise<number> {
    const n = await moveQueued(pool, indexBatch, byRows);
    moved += n;
    return n;
  }

  /** One background pass over deleted collections' graphs at a time; failures are retried. */
  function dropOrphans(): void {
    if (dropping !== undefined || closed) return;
    dropping = dropOrphanGraphs(pool, ddlBackend())
      .then((n) => {
        if (n > 0)
          logger.info({ graphs: n }, 'pgvector: dropped the graphs of deleted collections');
      })
      .catch((error: unknown) => {
        if (!closed)
          logger.warn(
            { err: error },
            'pgvector: dropping deleted collections’ graphs failed; retrying at the next sweep',
          );
      })
      .finally(() => {
        dropping = undefined;
      });
  }

  /** Builds the graphs whose backlog is cheaper to index in one build; true if it built any. */
  async function buildGraphs(): Promise<boolean> {
    const queued = await queuedCollections(pool);
    const now = performance.now();
    const plans = queued.map((state) => ({
      state,
      plan: planQueue(state, samples.get(state.id), now, buildMinimum),
    }));
    for (const id of samples.keys())
      if (!queued.some((state) => state.id === id)) samples.delete(id);
    for (const state of queued) {
      const sample = samples.get(state.id);
      if (sample === undefined || now - sample.atMs >= sampleEveryMs)
        samples.set(state.id, { pending: state.pending, atMs: now });
    }
    byRows = plans.filter(({ plan }) => plan === 'rows').map(({ state }) => state.id);
    backlog = plans.some(({ plan }) => plan !== 'rows');
    const wanted = plans.filter(({ plan }) => plan === 'build').map(({ state }) => state);
    let built = false;
    for (const collection of wanted) {
      if (closed) break;
      const n = await buildCollectionGraph(pool, collection, {
        hnsw,
        logger,
        memoryLimitMb,
        closed: () => closed,
        building: ddlBackend(),
      });
      if (n === undefined) continue;
      moved += n;
      builds += 1;
      built = true;
    }
    return built;
  }

  // When the queue's shape was last read: at most every planEveryMs however often ingests kick.
  let plannedAt = -Infinity;

  async function drain(): Promise<void> {
    let seen: number;
    do {
      seen = kicks;
      for (;;) {
        if (closed) break;
        if (performance.now() - plannedAt > planEveryMs) {
          plannedAt = performance.now();
          if (await buildGraphs()) continue;
        }
        const started = performance.now();
        if ((await moveBatch()) === 0) {
          // Those queues are empty: what comes next waits for a fresh plan.
          byRows = [];
          break;
        }
        // Rest as long as the batch took: requests always get at least half of the database.
        await sleep(performance.now() - started);
      }
    } while (kicks !== seen && !closed);
  }

  async function createCollectionIndex(collection: IndexedCollection, tx: Sql): Promise<void> {
    await tx.query(createIndexSql(collection, hnsw, false));
  }

  /** Queues every chunk and builds every collection's index, as if each had been written now. */
  async function adoptExisting(sql: Sql): Promise<void> {
    const { rows } = await sql.query<{ id: string; dimension: number }>(
      'SELECT id, dimension FROM collections',
    );
    for (const row of rows)
      await createCollectionIndex({ id: Number(row.id), dimension: row.dimension }, sql);
    const queued = await sql.query(
      `INSERT INTO pgvector_pending (collection_id, document_id, chunk_index)
       SELECT collection_id, document_id, chunk_index FROM chunks ON CONFLICT DO NOTHING`,
    );
    if (rows.length > 0)
      logger.info(
        { collections: rows.length, chunks: queued.rowCount ?? 0 },
        'pgvector: indexing what the database held before it had pgvector',
      );
  }

  function kick(): Promise<void> {
    kicks += 1;
    running ??= drain()
      .catch((error: unknown) => {
        // The queue survives in the database; the next ingest or restart resumes it.
        if (closed) logger.info('pgvector indexer stopped with the service');
        else logger.warn({ err: error }, 'pgvector indexer stopped');
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    kind: 'pgvector',
    async ping() {
      const { rows } = await pool.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
      if (rows.length === 0) throw new Error('pgvector: the vector extension is not installed');
    },
    async prepare(sql) {
      // Concurrent CREATE EXTENSION IF NOT EXISTS and CREATE TABLE IF NOT EXISTS are not safe
      // (23505 on the catalog): `sql` holds the migration lock, so replicas do this in turn.
      await sql.query('CREATE EXTENSION IF NOT EXISTS vector');
      const { rows: fresh } = await sql.query<{ fresh: boolean }>(
        "SELECT to_regclass('pgvector_chunks') IS NULL AS fresh",
      );
      await sql.query(`CREATE TABLE IF NOT EXISTS pgvector_chunks (
        collection_id bigint NOT NULL,
        document_id text COLLATE "C" NOT NULL,
        chunk_index integer NOT NULL,
        embedding vector NOT NULL,
        PRIMARY KEY (collection_id, document_id, chunk_index),
        FOREIGN KEY (collection_id, document_id, chunk_index)
          REFERENCES chunks (collection_id, document_id, chunk_index) ON DELETE CASCADE)`);
      await sql.query(`CREATE TABLE IF NOT EXISTS pgvector_pending (
        collection_id bigint NOT NULL,
        document_id text COLLATE "C" NOT NULL,
        chunk_index integer NOT NULL,
        PRIMARY KEY (collection_id, document_id, chunk_index),
        FOREIGN KEY (collection_id, document_id, chunk_index)
          REFERENCES chunks (collection_id, document_id, chunk_index) ON DELETE CASCADE)`);
      // A database that served with exact SQL before pgvector came: index what it holds.
      if (fresh[0]?.fresh === true) await adoptExisting(sql);
      // Fails start-up, not every search, where the settings are refused (pgvector < 0.8).
      await sql.query(`${sessionSettings}; SET hnsw.iterative_scan = relaxed_order`);
      void kick();
      sweep = setInterval(() => {
        void kick();
        dropOrphans();
      }, sweepMs).unref();
    },
    // Its graph is built by the indexer (a collection without a valid graph is in its plan), with
    // CREATE INDEX CONCURRENTLY: a plain CREATE INDEX in this transaction would take a SHARE lock
    // on the table every collection shares, and wait behind another collection's graph build
    // (minutes at 100k) while holding the new collection's row. Searches scan it exactly until.
    createCollection: () => Promise.resolve(),
    // The graph is dropped in the background (dropOrphanGraphs): a DROP INDEX, even
    // concurrent, waits behind any graph build on the table every collection shares.
    dropCollection() {
      dropOrphans();
      return Promise.resolve();
    },
    async upsert(tx, collection, documents) {
      const ids = documents.flatMap((doc) => doc.chunks.map(() => doc.documentId));
      const indexes = documents.flatMap((doc) => doc.chunks.map((chunk) => chunk.index));
      await tx.query(
        `INSERT INTO pgvector_pending (collection_id, document_id, chunk_index)
         SELECT $1, d, i FROM unnest($2::text[], $3::int[]) AS k(d, i)
         ON CONFLICT DO NOTHING`,
        [collection.id, ids, indexes],
      );
    },
    afterCommit() {
      void kick();
    },
    remove: () => Promise.resolve(),
    search: async (collection, query) => (await searchRows(collection, query, false)).map(chunkHit),
    // The hits with what a result shows, joined in the same statement: one round trip fewer
    // than search followed by the store's hydrateHits, with the same rows and order.
    searchHydrated: async (collection, query) =>
      (await searchRows<HydratedRow>(collection, query, true)).map((row) => ({
        ...chunkHit(row),
        title: row.title,
        content: row.content,
        metadata: row.metadata,
      })),
    // Its rows reference chunks with ON DELETE CASCADE: there can be no orphans.
    collectOrphans: () => Promise.resolve(0),
    async pending(collection) {
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM pgvector_pending WHERE collection_id = $1',
        [collection.id],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async count(collection) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM pgvector_chunks WHERE collection_id = $1)
              + (SELECT count(*) FROM pgvector_pending WHERE collection_id = $1) AS n`,
        [collection.id],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      // A graph build can take minutes: cancelled, it leaves an invalid graph that the next
      // start rebuilds, and the queue stays in the database.
      for (const pid of ddlBackends)
        await pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
      await running;
      await dropping;
    },
    moved: () => moved,
    builds: () => builds,
    drained: async () => {
      while (!closed) {
        while (running !== undefined) await running;
        plannedAt = -Infinity;
        await kick();
        if (!backlog) return;
        // A backlog waiting for its import to end, or built by another replica.
        await sleep(250);
      }
    },
  };
}
