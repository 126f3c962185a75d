/**
 * Vector engines for the embedded profile, compared in one run on one corpus and one query set:
 * pgvector HNSW inside PGlite (today's embedded engine), exact search over a Float32Array in
 * JavaScript, usearch's native exact (SIMD brute force) search, and the HNSW graphs of usearch
 * and hnswlib-node. 384-dimensional vectors of the built-in embedder, cosine (unit vectors, dot
 * product), top-10. Recall@10 is against the exact answer. Each engine runs in its own child
 * process, so its memory figures are its own.
 *
 * Options: --sizes 10000,100000 (documents), --queries N, --pgvector-max N and --graphs-max N
 * (largest size the HNSW graphs are built at: pgvector's build in WASM and the native graphs'
 * single-threaded builds take 5–10 minutes each at 100k here).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { embedText } from '../service/embeddings/builtin.ts';
import { random, sentenceMaker } from './support/corpus.ts';
import { quick, type Figure } from './support/figures.ts';
import { percentile, printTable, writeResults, type Row } from './support/report.ts';
import { engines, type EngineName, type EngineRun } from './support/vector-engines.ts';

const dimension = 384;
const k = 10;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: quick ? '10000' : '10000,100000' },
    queries: { type: 'string', default: quick ? '100' : '300' },
    'pgvector-max': { type: 'string', default: '10000' },
    'graphs-max': { type: 'string', default: '10000' },
    child: { type: 'string' },
    dir: { type: 'string' },
    size: { type: 'string' },
  },
});

/** Child mode: one engine, one size; reads vectors from --dir, writes its run as JSON. */
if (values.child !== undefined) {
  const dir = values.dir ?? '';
  const size = Number(values.size);
  const corpus = new Float32Array((await readFile(join(dir, 'corpus.f32'))).buffer);
  const queries = new Float32Array((await readFile(join(dir, 'queries.f32'))).buffer);
  const run = await engines[values.child as EngineName](
    corpus.subarray(0, size * dimension),
    queries,
    dimension,
    k,
  );
  await writeFile(join(dir, `${values.child}-${size}.json`), JSON.stringify(run));
  process.exit(0);
}

const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const largestBuilt: Partial<Record<EngineName, number>> = {
  'pgvector-pglite': Number(values['pgvector-max']),
  'usearch-hnsw': Number(values['graphs-max']),
  'hnswlib-node': Number(values['graphs-max']),
};
const largest = Math.max(...sizes);

// The corpus of bench:search: Zipf-distributed words, 80–140 per document, one vector each;
// queries are 8 consecutive words of a random document, as a user quoting a passage.
const dir = await mkdtemp(join(tmpdir(), 'aidb-vector-engines-'));
const sentence = sentenceMaker(42);
const rand = random(7);
const texts: string[] = [];
const corpus = new Float32Array(largest * dimension);
for (let i = 0; i < largest; i++) {
  const text = sentence(80 + Math.floor(rand() * 60));
  texts.push(text);
  corpus.set(embedText(text, dimension), i * dimension);
}
const queries = new Float32Array(queryCount * dimension);
for (let q = 0; q < queryCount; q++) {
  // Queries target the smallest stage's documents, so every stage can find their source.
  const words = (texts[Math.floor(rand() * Math.min(...sizes))] ?? '').split(' ');
  const offset = Math.floor(rand() * Math.max(1, words.length - 8));
  queries.set(embedText(words.slice(offset, offset + 8).join(' '), dimension), q * dimension);
}
await writeFile(join(dir, 'corpus.f32'), corpus);
await writeFile(join(dir, 'queries.f32'), queries);

async function runChild(engine: EngineName, size: number): Promise<EngineRun> {
  const child = spawn(
    process.execPath,
    [
      import.meta.filename,
      '--child',
      engine,
      '--dir',
      dir,
      '--size',
      String(size),
      '--queries',
      String(queryCount),
    ],
    { stdio: 'inherit' },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${engine} at ${size}: exit ${code}`);
  return JSON.parse(await readFile(join(dir, `${engine}-${size}.json`), 'utf8')) as EngineRun;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Hits as good as the exact k-th (ties count as found, so equal scores do not lower recall). */
function recall(run: EngineRun, exact: EngineRun, size: number): number {
  let found = 0;
  for (let q = 0; q < queryCount; q++) {
    const query = queries.subarray(q * dimension, (q + 1) * dimension);
    const truth = exact.hits[q] ?? [];
    const kth = dot(query, corpus.subarray((truth.at(-1) ?? 0) * dimension).subarray(0, dimension));
    const hits = (run.hits[q] ?? []).filter((id) => id < size);
    found += hits.filter(
      (id) => dot(query, corpus.subarray(id * dimension, (id + 1) * dimension)) >= kth - 1e-6,
    ).length;
  }
  return found / (queryCount * k);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const rows: Row[] = [];
const runs: Record<string, EngineRun> = {};
try {
  for (const size of sizes) {
    const exact = await runChild('js-exact', size);
    for (const engine of Object.keys(engines) as EngineName[]) {
      if (size > (largestBuilt[engine] ?? Infinity)) continue;
      const run = engine === 'js-exact' ? exact : await runChild(engine, size);
      runs[`${engine}@${size}`] = run;
      const sorted = [...run.latenciesMs].sort((a, b) => a - b);
      rows.push({
        engine,
        documents: size,
        'build s': run.buildSeconds.toFixed(2),
        'insert vec/s': Math.round(size / run.buildSeconds),
        'p50 ms': percentile(sorted, 50).toFixed(3),
        'p99 ms': percentile(sorted, 99).toFixed(3),
        'recall@10': recall(run, exact, size).toFixed(3),
        'index MB': mb(run.rssAfterBytes - run.rssBeforeBytes),
        'RSS MB': mb(run.rssAfterBytes),
        'peak RSS MB': mb(run.maxRssBytes),
      });
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

printTable(
  `vector engines: ${dimension}-dim cosine, top-${k}, ${queryCount} queries, one thread, in process`,
  rows,
);
const row = (engine: string, size: number) =>
  rows.find((r) => r.engine === engine && r.documents === size);
const figures: Figure[] = sizes.flatMap((size) =>
  (['js-exact', 'usearch-exact', 'usearch-hnsw'] as const).map((engine) => ({
    name: `${engine} search p99 at ${size / 1000}k vectors (in process)`,
    measured: row(engine, size) === undefined ? null : Number(row(engine, size)?.['p99 ms']),
    unit: 'ms',
  })),
);
console.log(
  `written to ${writeResults('vector-engines', { dimension, k, queries: queryCount, rows, figures, quick })}`,
);
