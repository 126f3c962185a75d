/**
 * The candidate engines of bench/vector-engines.ts, each built from the same packed vectors and
 * asked the same queries, one at a time on one thread (as a request would). Every engine returns
 * row numbers, so recall is computed the same way for all.
 */
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import hnswlib from 'hnswlib-node';
import usearch from 'usearch';
import { topK } from '../../service/vectors/exact-scan.ts';

export interface EngineRun {
  readonly buildSeconds: number;
  readonly latenciesMs: number[];
  /** Row numbers of the top k, best first, per query. */
  readonly hits: number[][];
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly maxRssBytes: number;
}

interface Built {
  search(query: Float32Array): Promise<number[]> | number[];
}

type Builder = (corpus: Float32Array, dimension: number, k: number) => Promise<Built> | Built;

const warmUp = 20;

async function measure(
  build: Builder,
  corpus: Float32Array,
  queries: Float32Array,
  dimension: number,
  k: number,
): Promise<EngineRun> {
  globalThis.gc?.();
  const rssBeforeBytes = process.memoryUsage.rss();
  const started = performance.now();
  const engine = await build(corpus, dimension, k);
  const buildSeconds = (performance.now() - started) / 1000;
  const count = queries.length / dimension;
  const latenciesMs: number[] = [];
  const hits: number[][] = [];
  for (let q = -warmUp; q < count; q++) {
    const at = ((q + count) % count) * dimension;
    const query = queries.subarray(at, at + dimension);
    const begin = performance.now();
    const rows = await engine.search(query);
    const elapsed = performance.now() - begin;
    if (q < 0) continue;
    latenciesMs.push(elapsed);
    hits.push(rows);
  }
  return {
    buildSeconds,
    latenciesMs,
    hits,
    rssBeforeBytes,
    rssAfterBytes: process.memoryUsage.rss(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

// HNSW parameters for both native graphs: the lexical vectors of the built-in embedder are hard
// for a graph (pgvector needed m=24 for recall 0.82), so a wide search list.
const graph = { m: 16, efConstruction: 128, efSearch: 256 } as const;

const builders = {
  /** Today's embedded engine: pgvector's HNSW in PGlite, the service's parameters, built after load. */
  async 'pgvector-pglite'(corpus, dimension, k) {
    const db = await PGlite.create('memory://', { extensions: { vector } });
    await db.exec(`CREATE EXTENSION vector;
      CREATE TABLE v (id integer PRIMARY KEY, embedding vector(${dimension}) NOT NULL)`);
    const count = corpus.length / dimension;
    for (let start = 0; start < count; start += 500) {
      const ids: number[] = [];
      const texts: string[] = [];
      for (let id = start; id < Math.min(count, start + 500); id++) {
        ids.push(id);
        texts.push(`[${corpus.subarray(id * dimension, (id + 1) * dimension).join(',')}]`);
      }
      await db.query(
        'INSERT INTO v SELECT i, e::vector FROM unnest($1::int[], $2::text[]) AS t(i, e)',
        [ids, texts],
      );
    }
    await db.exec(`SET maintenance_work_mem = '512MB';
      CREATE INDEX ON v USING hnsw (embedding vector_cosine_ops) WITH (m = 24, ef_construction = 100);
      SET hnsw.ef_search = 100; SET hnsw.iterative_scan = relaxed_order`);
    return {
      async search(query) {
        const { rows } = await db.query<{ id: number }>(
          'SELECT id FROM v ORDER BY embedding <=> $1::vector LIMIT $2',
          [`[${query.join(',')}]`, k],
        );
        return rows.map((row) => row.id);
      },
    };
  },
  /** Exact scan in JavaScript over a copy of the vectors (the cache a service would keep). */
  'js-exact'(corpus, dimension, k) {
    const rows = Float32Array.from(corpus);
    const count = rows.length / dimension;
    return { search: (query) => topK(rows, count, query, k).map((hit) => hit.row) };
  },
  /** usearch's exact search: SIMD brute force in native code, no graph. */
  'usearch-exact'(corpus, dimension, k) {
    const rows = Float32Array.from(corpus);
    return {
      search(query) {
        // A copy: exactSearch reads a subarray view from the start of its buffer (2.26.2).
        const found = usearch.exactSearch(
          rows,
          query.slice(),
          dimension,
          k,
          usearch.MetricKind.IP,
          1,
        );
        return Array.from(found.keys, Number);
      },
    };
  },
  'usearch-hnsw'(corpus, dimension, k) {
    const index = new usearch.Index({
      dimensions: dimension,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.F32,
      connectivity: graph.m,
      expansion_add: graph.efConstruction,
      expansion_search: graph.efSearch,
      multi: false,
    });
    const count = corpus.length / dimension;
    // One thread, as the service would add a batch on its event loop.
    index.add(
      BigUint64Array.from({ length: count }, (_, i) => BigInt(i)),
      corpus,
      1,
    );
    return { search: (query) => Array.from(index.search(query, k, 1).keys, Number) };
  },
  'hnswlib-node'(corpus, dimension, k) {
    const index = new hnswlib.HierarchicalNSW('ip', dimension);
    const count = corpus.length / dimension;
    index.initIndex(count, graph.m, graph.efConstruction, 100);
    for (let id = 0; id < count; id++)
      index.addPoint(Array.from(corpus.subarray(id * dimension, (id + 1) * dimension)), id);
    index.setEf(graph.efSearch);
    return { search: (query) => index.searchKnn(Array.from(query), k).neighbors };
  },
} satisfies Record<string, Builder>;

export type EngineName = keyof typeof builders;

export const engines = Object.fromEntries(
  Object.entries(builders).map(([name, build]) => [
    name,
    (corpus: Float32Array, queries: Float32Array, dimension: number, k: number) =>
      measure(build, corpus, queries, dimension, k),
  ]),
) as Record<
  EngineName,
  (corpus: Float32Array, queries: Float32Array, dimension: number, k: number) => Promise<EngineRun>
>;
