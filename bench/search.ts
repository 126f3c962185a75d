/**
 * Ingest rate and search latency of the service at 1k, 10k and 100k documents on the embedded
 * profile (PGlite, exact search in process), through the HTTP API of a separate `aidb serve`
 * process, with the service's RSS after each stage. Bars: ≥ 2,000 documents/s ingest in batches
 * of 100 (after 1,000 documents of warm-up into another collection), search p99 ≤ 5 ms at 10k
 * and ≤ 10 ms at 100k documents. The external profile (two replicas on PostgreSQL with
 * pgvector, and the exact-SQL fallback) is bench/search-external.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { random, sentenceMaker } from './support/corpus.ts';
import { quick, type Figure } from './support/figures.ts';
import { bucketsBetween, scrapeBuckets, shareAbove, type Buckets } from './support/histogram.ts';
import { memoryKb } from './support/proc-stats.ts';
import { percentile, printTable, writeResults, type Row } from './support/report.ts';
import { call, startServiceProcess } from './support/service-process.ts';

// Quick mode (`npm run bench -- --quick`) stops at 1k documents: the 10k bar is then unmeasured.
// `-- --stages=1000,10000` picks the stages (a shorter run while developing).
const stagesArgument = process.argv.find((arg) => arg.startsWith('--stages='));
const embeddedStages =
  stagesArgument !== undefined
    ? stagesArgument.slice('--stages='.length).split(',').map(Number)
    : quick
      ? [1_000]
      : [1_000, 10_000, 100_000];

/** Resident memory of a process, from /proc (Linux). */
async function rssMb(pid: number | undefined): Promise<number | string> {
  const kb = pid === undefined ? undefined : await memoryKb(pid, 'VmRSS').catch(() => undefined);
  return kb === undefined ? '—' : Math.round(kb / 1024);
}
const batchSize = 100;
const warmupBatches = 10;

interface Profile {
  readonly name: string;
  readonly searches: number;
  readonly stages: readonly number[];
  setup(): Promise<{ env: Record<string, string>; teardown: () => Promise<void> }>;
}

const profiles: Profile[] = [
  {
    name: 'embedded (PGlite, exact in process)',
    searches: quick ? 200 : 1000,
    stages: embeddedStages,
    async setup() {
      const dir = await mkdtemp(join(tmpdir(), 'aidb-bench-'));
      return {
        env: { AIDB_DATA_DIR: dir },
        teardown: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];

async function run(profile: Profile): Promise<Row[]> {
  const { env, teardown } = await profile.setup();
  const service = await startServiceProcess(env);
  const sentence = sentenceMaker(42);
  const rand = random(7);
  const texts: string[] = [];
  const rows: Row[] = [];
  try {
    // Warm-up, as the searches below have: the service's first batches run before its JIT has
    // compiled the ingest path, which no steady-state rate should count. Another collection,
    // deleted, so the stages start from an empty one as before.
    const warmSentence = sentenceMaker(43);
    await call(service.url, 'PUT', '/v1/collections/warmup', {});
    for (let batch = 0; batch < warmupBatches; batch++) {
      const documents = Array.from({ length: batchSize }, (_, i) => ({
        id: `warm-${String(batch)}-${String(i)}`,
        content: warmSentence(110),
      }));
      await call(service.url, 'POST', '/v1/collections/warmup/documents', { documents });
    }
    await call(service.url, 'DELETE', '/v1/collections/warmup');
    await call(service.url, 'PUT', '/v1/collections/bench', {});
    for (const stage of profile.stages) {
      const started = performance.now();
      while (texts.length < stage) {
        const documents = Array.from({ length: batchSize }, () => {
          const content = sentence(80 + Math.floor(rand() * 60));
          texts.push(content);
          return { id: `doc-${texts.length}`, content };
        });
        await call(service.url, 'POST', '/v1/collections/bench/documents', { documents });
      }
      const ingestSeconds = (performance.now() - started) / 1000;
      const ingested = stage - (rows.length === 0 ? 0 : Number(rows.at(-1)?.documents));
      const indexStarted = performance.now();
      while ((await call(service.url, 'GET', '/v1/collections/bench')).vectors_pending > 0)
        await sleep(250);
      const catchUp = (performance.now() - indexStarted) / 1000;

      // The service's own view of the same searches: the scan alone (aidb_search_duration_seconds)
      // and the request from parsed headers to response written. Beside the client's latencies
      // they show whether a slow tail comes from the scan, the service, or the machine's
      // scheduling of two processes.
      const scan = () => scrapeBuckets(service.url, 'aidb_search_duration_seconds');
      const server = () =>
        scrapeBuckets(service.url, 'http_server_request_duration_seconds', {
          http_route: '/v1/collections/:name/search',
        });
      let scanBefore: Buckets = new Map();
      let serverBefore: Buckets = new Map();
      const latencies: number[] = [];
      let selfHits = 0;
      for (let i = -50; i < profile.searches; i++) {
        const target = Math.floor(rand() * texts.length);
        const words = (texts[target] ?? '').split(' ');
        const offset = Math.floor(rand() * Math.max(1, words.length - 8));
        const query = words.slice(offset, offset + 8).join(' ');
        const begin = performance.now();
        const result = await call(service.url, 'POST', '/v1/collections/bench/search', {
          query,
          limit: 10,
        });
        const elapsed = performance.now() - begin;
        if (i < 0) {
          // Warm-up: not counted.
          if (i === -1) {
            scanBefore = await scan();
            serverBefore = await server();
          }
          continue;
        }
        latencies.push(elapsed);
        if (result.results[0]?.document_id === `doc-${target + 1}`) selfHits += 1;
      }
      const scanned = bucketsBetween(scanBefore, await scan());
      const served = bucketsBetween(serverBefore, await server());
      const bar = stage >= 100_000 ? 0.01 : 0.005;
      latencies.sort((a, b) => a - b);
      const clientAbove = latencies.filter((ms) => ms > bar * 1000).length;
      rows.push({
        profile: profile.name,
        documents: stage,
        'ingest docs/s': Math.round(ingested / ingestSeconds),
        'index catch-up s': catchUp.toFixed(1),
        searches: latencies.length,
        'p50 ms': percentile(latencies, 50).toFixed(2),
        'p99 ms': percentile(latencies, 99).toFixed(2),
        'bar ms': bar * 1000,
        '% over bar: scan': shareAbove(scanned, bar).toFixed(1),
        '% service': shareAbove(served, bar).toFixed(1),
        '% client': ((100 * clientAbove) / latencies.length).toFixed(1),
        'top-1 self-hit %': ((100 * selfHits) / latencies.length).toFixed(1),
        'RSS MB': await rssMb(service.child.pid),
      });
    }
  } finally {
    await service.stop();
    await teardown();
  }
  return rows;
}

// `-- --embedded-only` skips the external profile (and its private PostgreSQL).
const embeddedOnly = process.argv.includes('--embedded-only');
const rows: Row[] = [];
for (const profile of profiles) {
  if (embeddedOnly && !profile.name.startsWith('embedded')) continue;
  rows.push(...(await run(profile)));
}
printTable('search benchmark (HTTP, sequential client, 8-word text queries, limit 10)', rows);
const embedded10k = rows.find(
  (r) => String(r.profile).startsWith('embedded') && r.documents === 10_000,
);
const bars = {
  ingestDocsPerSecond: {
    bar: '>= 2000',
    measured: rows
      .filter((r) => String(r.profile).startsWith('embedded'))
      .map((r) => r['ingest docs/s']),
  },
  searchP99Ms10k: { bar: '<= 5', measured: embedded10k?.['p99 ms'] },
};
const embeddedRow = (documents: number) =>
  rows.find((r) => String(r.profile).startsWith('embedded') && r.documents === documents);
const p99 = (documents: number): number | null => {
  const row = embeddedRow(documents);
  return row === undefined ? null : Number(row['p99 ms']);
};
const ingestRates = rows
  .filter((r) => String(r.profile).startsWith('embedded'))
  .map((r) => Number(r['ingest docs/s']));
const figures: Figure[] = [
  {
    name: 'ingest in batches of 100, slowest stage (embedded)',
    measured: ingestRates.length === 0 ? null : Math.min(...ingestRates),
    unit: 'docs/s',
    bar: { op: '>=', value: 2_000 },
  },
  {
    name: 'search p99 at 10k documents (embedded, exact in process)',
    measured: p99(10_000),
    unit: 'ms',
    bar: { op: '<=', value: 5 },
  },
  {
    name: 'search p99 at 100k documents (embedded, exact in process)',
    measured: p99(100_000),
    unit: 'ms',
    bar: { op: '<=', value: 10 },
  },
  {
    name: 'service RSS at 100k documents (embedded)',
    measured: embeddedRow(100_000) === undefined ? null : Number(embeddedRow(100_000)?.['RSS MB']),
    unit: 'MB',
  },
  { name: 'search p99 at 1k documents (embedded)', measured: p99(1_000), unit: 'ms' },
];
console.log(`\nbars (embedded): ${JSON.stringify(bars)}`);
console.log(`written to ${writeResults('search', { rows, bars, figures, quick })}`);
