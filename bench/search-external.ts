/**
 * The external profile as it is deployed: two `aidb serve` replicas on one PostgreSQL 15 with
 * pgvector and one Redis, the load spread over both. Per stage (10k and 100k documents; 10k only
 * with --quick): ingest rate with four batches of 100 in flight, the time the deferred HNSW
 * indexers need to drain the queue and build the graph after the import, search p50/p99 through HTTP, recall@10 of
 * HNSW against an exact scan of the same vectors, and the exact-SQL fallback (PostgreSQL without
 * pgvector: the service's own query, run in this process) for what it is, linear in size.
 * Needs pgvector installed for PostgreSQL 15 (scripts/install-pgvector.sh).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { embedText } from '../service/embeddings/builtin.ts';
import { createLogger } from '../lib/logger.ts';
import { createExactSqlIndex } from '../service/vectors/exact-sql.ts';
import { createPgvectorIndex } from '../service/vectors/pgvector.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { startRedis } from '../test/support/redis.ts';
import { random, sentenceMaker } from './support/corpus.ts';
import { exactTopK, loadChunkVectors } from './support/exact-truth.ts';
import { quick, type Figure } from './support/figures.ts';
import { scrapeTotals, totalsBetween, type Totals } from './support/histogram.ts';
import { percentile, printTable, writeResults, type Row } from './support/report.ts';
import { call, startServiceProcess } from './support/service-process.ts';

const stages = quick ? [10_000] : [10_000, 100_000];
const batchSize = 100;
const inFlight = 4;
const searches = quick ? 200 : 500;
const recallQueries = quick ? 100 : 200;
// The exact-SQL fallback is linear: a few queries show it (seconds each at 100k).
const exactQueries = 10;
const dimension = 384;

const keyOf = (hit: { document_id: string; chunk_index: number }) =>
  `${hit.document_id}#${String(hit.chunk_index)}`;

// A server sized for the graphs: at 100k chunks the HNSW index and its table are ~450 MB, and
// with the default 128 MB of shared_buffers every search reads thousands of pages from the OS
// cache (measured: 4,645 of 11,033 pages read for one search at ef_search 300).
const sharedBuffers = process.env.AIDB_BENCH_SHARED_BUFFERS ?? '1GB';
const postgres = await startPostgres();
{
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET shared_buffers = ${pg.escapeLiteral(sharedBuffers)}`);
  await admin.end();
  await postgres.restart();
}
const redis = await startRedis();
const url = await postgres.createDatabase('bench');
const env = { AIDB_PROFILE: 'external', DATABASE_URL: url, REDIS_URL: redis.url };
const replicas = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
const pool = new pg.Pool({ connectionString: url, max: 2 });
const rows: Row[] = [];
const spent: Row[] = [];
// The histograms that break a search down: the request, the index query, each dependency call.
const breakdown: readonly (readonly [string, readonly string[]])[] = [
  ['http_server_request_duration_seconds', ['http_route']],
  ['aidb_search_duration_seconds', ['index']],
  ['aidb_embedding_duration_seconds', []],
  ['aidb_dependency_operation_duration_seconds', ['dependency', 'operation']],
];
try {
  const urls = replicas.map((replica) => replica.url);
  const via = (i: number): string => urls[i % urls.length] ?? '';
  await call(via(0), 'PUT', '/v1/collections/bench', {});
  const collection = await call(via(1), 'GET', '/v1/collections/bench');
  if (collection.index !== 'pgvector')
    throw new Error(`bench: expected pgvector, the service chose ${collection.index}`);
  const { rows: ids } = await pool.query<{ id: string }>(
    "SELECT id FROM collections WHERE name = 'bench'",
  );
  const indexed = { id: Number(ids[0]?.id), dimension };
  const exactSql = createExactSqlIndex(pool);
  // Searches only: its indexer never starts (no prepare, no kick).
  const graph = createPgvectorIndex({
    pool,
    logger: createLogger({ level: 'silent', name: 'bench' }),
  });
  const sentence = sentenceMaker(42);
  const rand = random(7);
  const texts: string[] = [];
  const pending = async (): Promise<number> => {
    const { rows: counted } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM pgvector_pending',
    );
    return Number(counted[0]?.n);
  };
  // Caught up: nothing queued, and the collection's graph built and valid (a bulk backlog is
  // moved out of the queue first and indexed by one build after).
  const caughtUp = async (): Promise<boolean> => {
    const { rows: state } = await pool.query<{ valid: boolean | null }>(
      `SELECT (SELECT indisvalid AND indisready FROM pg_index
               WHERE indexrelid = to_regclass('pgvector_hnsw_' || $1::bigint)) AS valid`,
      [indexed.id],
    );
    return state[0]?.valid === true && (await pending()) === 0;
  };
  const queryText = (): string => {
    const words = (texts[Math.floor(rand() * texts.length)] ?? '').split(' ');
    const offset = Math.floor(rand() * Math.max(1, words.length - 8));
    return words.slice(offset, offset + 8).join(' ');
  };

  for (const stage of stages) {
    const from = texts.length;
    const batches: { id: string; content: string }[][] = [];
    while (texts.length < stage) {
      batches.push(
        Array.from({ length: batchSize }, () => {
          const content = sentence(80 + Math.floor(rand() * 60));
          texts.push(content);
          return { id: `doc-${String(texts.length)}`, content };
        }),
      );
    }
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, lane) => {
        for (let i = next++; i < batches.length; i = next++)
          await call(via(lane), 'POST', '/v1/collections/bench/documents', {
            documents: batches[i],
          });
      }),
    );
    const ingestSeconds = (performance.now() - started) / 1000;
    const queued = await pending();
    const catchUpStarted = performance.now();
    while (!(await caughtUp())) await sleep(100);
    const catchUp = (performance.now() - catchUpStarted) / 1000;

    const latencies: number[] = [];
    let before: readonly Totals[] = [];
    for (let i = -50; i < searches; i++) {
      if (i === 0)
        before = await Promise.all(breakdown.map(([name, by]) => scrapeTotals(urls, name, by)));
      const query = queryText();
      const begin = performance.now();
      await call(via(i + 50), 'POST', '/v1/collections/bench/search', { query, limit: 10 });
      if (i >= 0) latencies.push(performance.now() - begin);
    }
    latencies.sort((a, b) => a - b);
    // Where a search's time went, by the services' own histograms over the timed searches.
    const after = await Promise.all(breakdown.map(([name, by]) => scrapeTotals(urls, name, by)));
    for (const [i, [name]] of breakdown.entries())
      for (const [key, { sum, count }] of totalsBetween(
        before[i] ?? new Map(),
        after[i] ?? new Map(),
      ))
        spent.push({
          documents: stage,
          histogram: name,
          series: key,
          'calls per search': (count / searches).toFixed(2),
          'mean ms': ((1000 * sum) / count).toFixed(2),
          'ms per search': ((1000 * sum) / searches).toFixed(2),
        });

    let found = 0;
    const exactLatencies: number[] = [];
    const indexLatencies: number[] = [];
    const vectors = await loadChunkVectors(pool, indexed.id, dimension);
    for (let i = 0; i < recallQueries; i++) {
      const vector = embedText(queryText(), dimension);
      const hnsw = await call(via(i), 'POST', '/v1/collections/bench/search', {
        vector: Array.from(vector),
        limit: 10,
      });
      // The same index query the service runs, from this process: the database's share of a search.
      const started = performance.now();
      await graph.search(indexed, { vector, limit: 10, offset: 0 });
      indexLatencies.push(performance.now() - started);
      if (i < exactQueries) {
        const begin = performance.now();
        await exactSql.search(indexed, { vector, limit: 10, offset: 0 });
        exactLatencies.push(performance.now() - begin);
      }
      const truth = exactTopK(vectors, vector, 10);
      found += (hnsw.results as { document_id: string; chunk_index: number }[]).filter((hit) =>
        truth.has(keyOf(hit)),
      ).length;
    }
    exactLatencies.sort((a, b) => a - b);
    indexLatencies.sort((a, b) => a - b);
    rows.push({
      documents: stage,
      'ingest docs/s': Math.round((stage - from) / ingestSeconds),
      'queued at end of import': queued,
      'index catch-up s': catchUp.toFixed(1),
      'p50 ms': percentile(latencies, 50).toFixed(2),
      'p99 ms': percentile(latencies, 99).toFixed(2),
      'recall@10': (found / (recallQueries * 10)).toFixed(3),
      'index p50 ms': percentile(indexLatencies, 50).toFixed(2),
      'index p99 ms': percentile(indexLatencies, 99).toFixed(2),
      'exact SQL p50 ms': percentile(exactLatencies, 50).toFixed(1),
      'exact SQL p99 ms': percentile(exactLatencies, 99).toFixed(1),
    });
  }
} finally {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await pool.end();
  await Promise.all([postgres.close(), redis.close()]);
}

printTable(
  `external profile: 2 replicas, PostgreSQL 15 + pgvector 0.8.6 (shared_buffers ${sharedBuffers}), Redis (HTTP, sequential searches alternating replicas, 8-word queries, limit 10)`,
  rows,
);
printTable(
  "where the timed searches' time went, from both replicas' histograms (text queries, so each embeds; the HTTP request includes the rest)",
  spent,
);
const at = (documents: number, column: string): number | null => {
  const row = rows.find((r) => r.documents === documents);
  return row === undefined ? null : Number(row[column]);
};
const ingestRates = rows.map((r) => Number(r['ingest docs/s']));
const figures: Figure[] = [
  {
    name: 'ingest across two replicas, slowest stage (external, pgvector)',
    measured: ingestRates.length === 0 ? null : Math.min(...ingestRates),
    unit: 'docs/s',
    bar: { op: '>=', value: 2_000 },
  },
  {
    name: 'search p99 at 10k documents (external, pgvector HNSW)',
    measured: at(10_000, 'p99 ms'),
    unit: 'ms',
    bar: { op: '<=', value: 15 },
  },
  {
    name: 'search p99 at 100k documents (external, pgvector HNSW)',
    measured: at(100_000, 'p99 ms'),
    unit: 'ms',
    bar: { op: '<=', value: 25 },
  },
  {
    name: 'recall@10 against exact search, 10k (external, pgvector HNSW)',
    measured: at(10_000, 'recall@10'),
    unit: '',
    bar: { op: '>=', value: 0.95 },
  },
  {
    name: 'recall@10 against exact search, 100k (external, pgvector HNSW)',
    measured: at(100_000, 'recall@10'),
    unit: '',
    bar: { op: '>=', value: 0.95 },
  },
  {
    name: 'index catch-up after importing 100k documents (external)',
    measured: at(100_000, 'index catch-up s'),
    unit: 's',
    bar: { op: '<=', value: 120 },
  },
  {
    name: 'exact-SQL fallback search p50 at 10k documents (in process)',
    measured: at(10_000, 'exact SQL p50 ms'),
    unit: 'ms',
  },
  {
    name: 'exact-SQL fallback search p50 at 100k documents (in process)',
    measured: at(100_000, 'exact SQL p50 ms'),
    unit: 'ms',
  },
];
console.log(`written to ${writeResults('search-external', { rows, spent, figures, quick })}`);
