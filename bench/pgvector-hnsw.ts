/**
 * pgvector HNSW in PostgreSQL, measured below the service: build by CREATE INDEX after the rows
 * are in versus row-by-row inserts into a live index, and recall@10 against an exact scan for
 * each ef_search, in a shared table with per-collection partial indexes (as service/vectors/
 * pgvector.ts keeps them). Feeds the choices in that file.
 * Usage: node bench/pgvector-hnsw.ts [--docs N] [--m M] [--efc E] [--queries Q] [--type halfvec]
 * (`--type halfvec`, the default, indexes and searches half-precision copies as the service
 * does; `--type vector` the full-precision vectors. Recall is always measured against the exact
 * full-precision scan.)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { embedText } from '../service/embeddings/builtin.ts';
import { encodeFloat4Array } from '../service/store/float4-array.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { random, sentenceMaker } from './support/corpus.ts';
import { percentile } from './support/report.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    m: { type: 'string', default: '24' },
    efc: { type: 'string', default: '100' },
    queries: { type: 'string', default: '100' },
    inserts: { type: 'string', default: '1000' },
    ef: { type: 'string', default: '40,100,200,400' },
    workers: { type: 'string', default: '0,2' },
    type: { type: 'string', default: 'halfvec' },
  },
});
const docs = Number(values.docs);
const m = Number(values.m);
const efc = Number(values.efc);
const queries = Number(values.queries);
const inserts = Number(values.inserts);
const dim = 384;
if (values.type !== 'vector' && values.type !== 'halfvec')
  throw new Error('--type is vector or halfvec');
// The indexed expression and the query's, in the precision being measured.
const typed = (what: string) => `${what}::${values.type}(${dim})`;

const postgres = await startPostgres();
const url = await postgres.createDatabase('hnsw');
const client = new pg.Client({ connectionString: url });
await client.connect();
// CPU time of the server backend (ns on CPU, /proc/<pid>/schedstat): unlike wall time, it does
// not grow when other processes share the cores.
const { rows: backend } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
const backendCpuMs = (): number =>
  Number(readFileSync(`/proc/${backend[0]?.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
try {
  await client.query('CREATE EXTENSION vector');
  await client.query(`CREATE TABLE t (collection_id bigint, id int, embedding vector NOT NULL,
    PRIMARY KEY (collection_id, id))`);
  const sentence = sentenceMaker(42);
  const rand = random(7);
  const texts: string[] = [];
  for (let i = 0; i < docs + inserts; i++) texts.push(sentence(80 + Math.floor(rand() * 60)));
  const vectors = texts.map((text) => Array.from(embedText(text, dim)));
  const load = async (collection: number, from: number, to: number, chunk: number) => {
    for (let i = from; i < to; i += chunk) {
      const slice = vectors.slice(i, Math.min(to, i + chunk));
      await client.query(
        `INSERT INTO t SELECT $1, $2::int + n - 1, v::text::vector
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS u(v, n)`,
        [collection, i, JSON.stringify(slice)],
      );
    }
  };
  // Collection 2 is noise of the same size: the filter by collection must not cost recall.
  let started = performance.now();
  await load(1, 0, docs, 500);
  await load(2, 0, docs, 500);
  console.log(
    `load ${2 * docs} rows without index: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await client.query("SET maintenance_work_mem = '1GB'");
  const build = async (workers: number) => {
    await client.query('DROP INDEX IF EXISTS t_hnsw_1');
    await client.query(`SET max_parallel_maintenance_workers = ${workers}`);
    const begin = performance.now();
    await client.query(`CREATE INDEX t_hnsw_1 ON t USING hnsw ((${typed('embedding')}) ${values.type}_cosine_ops)
      WITH (m = ${m}, ef_construction = ${efc}) WHERE collection_id = 1`);
    const s = (performance.now() - begin) / 1000;
    console.log(
      `CREATE INDEX ${docs} ${values.type} m=${m} efc=${efc} workers=${workers}: ${s.toFixed(1)} s = ${Math.round(docs / s)} vec/s`,
    );
  };
  for (const workers of values.workers.split(',').map(Number)) await build(workers);
  // Row-by-row into the live index, in batches as the indexer moves them.
  for (const batch of [16, 256]) {
    const from = docs + (batch === 16 ? 0 : Math.floor(inserts / 2));
    const n = Math.floor(inserts / 2);
    const begin = performance.now();
    await load(1, from, from + n, batch);
    const s = (performance.now() - begin) / 1000;
    console.log(`insert into live index, batches of ${batch}: ${Math.round(n / s)} vec/s`);
  }
  const qrand = random(11);
  const qs = Array.from({ length: queries }, () => {
    const words = (texts[Math.floor(qrand() * docs)] ?? '').split(' ');
    const offset = Math.floor(qrand() * Math.max(1, words.length - 8));
    return encodeFloat4Array(embedText(words.slice(offset, offset + 8).join(' '), dim));
  });
  const truth: Set<number>[] = [];
  const exactTimes: number[] = [];
  await client.query('SET enable_indexscan = off');
  for (const q of qs) {
    const begin = performance.now();
    const { rows } = await client.query<{ id: number }>(
      `SELECT id FROM t WHERE collection_id = 1 ORDER BY embedding::vector(${dim}) <=> $1::real[]::vector(${dim}) LIMIT 10`,
      [q],
    );
    exactTimes.push(performance.now() - begin);
    truth.push(new Set(rows.map((r) => r.id)));
  }
  exactTimes.sort((a, b) => a - b);
  console.log(
    `exact pgvector scan (no index): p50 ${percentile(exactTimes, 50).toFixed(2)} ms p99 ${percentile(exactTimes, 99).toFixed(2)} ms`,
  );
  await client.query('SET enable_indexscan = on');
  for (const iterative of ['off', 'relaxed_order']) {
    for (const ef of values.ef.split(',').map(Number)) {
      await client.query(`SET hnsw.ef_search = ${ef}; SET hnsw.iterative_scan = ${iterative}`);
      let found = 0;
      const times: number[] = [];
      const cpuBefore = backendCpuMs();
      for (const [i, q] of qs.entries()) {
        const begin = performance.now();
        const { rows } = await client.query<{ id: number }>(
          `SELECT id FROM t WHERE collection_id = 1 ORDER BY ${typed('embedding')} <=> ${typed('$1::real[]')} LIMIT 10`,
          [q],
        );
        times.push(performance.now() - begin);
        found += rows.filter((r) => truth[i]?.has(r.id)).length;
      }
      const cpu = (backendCpuMs() - cpuBefore) / qs.length;
      // Pages a search touches (hit or read): the work of the graph walk, whatever the load.
      const pages: number[] = [];
      for (const q of qs) {
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
          `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) SELECT id FROM t WHERE collection_id = 1 ORDER BY ${typed('embedding')} <=> ${typed('$1::real[]')} LIMIT 10`,
          [q],
        );
        const plan = rows[0]?.['QUERY PLAN'][0].Plan ?? {};
        pages.push((plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0));
      }
      pages.sort((a, b) => a - b);
      times.sort((a, b) => a - b);
      console.log(
        `iterative=${iterative} ef_search=${ef}: recall@10 ${(found / (10 * qs.length)).toFixed(3)} p50 ${percentile(times, 50).toFixed(2)} ms p99 ${percentile(times, 99).toFixed(2)} ms, backend CPU ${cpu.toFixed(2)} ms a query, pages p50 ${percentile(pages, 50)}`,
      );
    }
  }
  started = performance.now();
  const plan = await client.query(
    `EXPLAIN SELECT id FROM t WHERE collection_id = 1 ORDER BY ${typed('embedding')} <=> ${typed('$1::real[]')} LIMIT 10`,
    [qs[0]],
  );
  console.log(plan.rows.map((r) => Object.values(r)[0]).join('\n'));
} finally {
  await client.end();
  await postgres.close();
}
