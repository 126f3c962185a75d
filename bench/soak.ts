/**
 * Mixed traffic against the embedded profile through HTTP, as issue 23 describes it: 8 clients,
 * each request drawn 60 % search, 20 % upsert of 10 documents, 10 % document listing, 10 %
 * `/metrics`, on a collection seeded with 5,000 documents; the service's RSS is sampled every
 * 5 s. Goals: ≥ 360 requests/s, no 5xx, RSS flat (± 5 %) over 30 minutes.
 *
 * Options: --seconds N (default 60; `--seconds 1800` for the 30-minute soak).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { random, sentenceMaker } from './support/corpus.ts';
import type { Figure } from './support/figures.ts';
import { memoryKb } from './support/proc-stats.ts';
import { printTable, writeResults, type Row } from './support/report.ts';
import { benchAuth, startServiceProcess } from './support/service-process.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const seconds = Number(values.seconds);
const concurrency = 8;
const seeded = 5_000;

const rssMb = async (pid: number | undefined): Promise<number> =>
  (await memoryKb(pid ?? 0, 'VmRSS')) / 1024;

const dir = await mkdtemp(join(tmpdir(), 'aidb-soak-'));
const service = await startServiceProcess({ AIDB_DATA_DIR: dir });
const sentence = sentenceMaker(42);
const rand = random(11);
const texts: string[] = [];

async function send(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: body === undefined ? benchAuth : { ...benchAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

function batch(size: number): { id: string; content: string }[] {
  return Array.from({ length: size }, () => {
    const content = sentence(80 + Math.floor(rand() * 60));
    texts.push(content);
    // Upserts after seeding replace existing documents: the corpus stays at its size.
    return { id: `doc-${(texts.length - 1) % seeded}`, content };
  });
}

const counts = { search: 0, upsert: 0, list: 0, metrics: 0, errors5xx: 0, other: 0 };
const samples: Row[] = [];
try {
  await send('PUT', '/v1/collections/soak', {});
  while (texts.length < seeded)
    await send('POST', '/v1/collections/soak/documents', { documents: batch(100) });

  const started = performance.now();
  const deadline = started + seconds * 1000;
  async function client(): Promise<void> {
    while (performance.now() < deadline) {
      const draw = rand();
      let status: number;
      if (draw < 0.6) {
        const words = (texts[Math.floor(rand() * texts.length)] ?? '').split(' ');
        const at = Math.floor(rand() * Math.max(1, words.length - 8));
        status = await send('POST', '/v1/collections/soak/search', {
          query: words.slice(at, at + 8).join(' '),
          limit: 10,
        });
        counts.search += 1;
      } else if (draw < 0.8) {
        status = await send('POST', '/v1/collections/soak/documents', { documents: batch(10) });
        counts.upsert += 1;
      } else if (draw < 0.9) {
        status = await send('GET', '/v1/collections/soak/documents?limit=50');
        counts.list += 1;
      } else {
        status = await send('GET', '/metrics');
        counts.metrics += 1;
      }
      if (status >= 500) counts.errors5xx += 1;
      else if (status >= 400) counts.other += 1;
    }
  }
  // Requests per second in each sample's window too: a store that slows as it fills (dead rows
  // nobody vacuums) shows as a falling column, where the run's mean hides it.
  const answered = () => counts.search + counts.upsert + counts.list + counts.metrics;
  const sampler = (async () => {
    let before = { at: started, answered: 0 };
    while (performance.now() < deadline) {
      const now = { at: performance.now(), answered: answered() };
      samples.push({
        s: Math.round((now.at - started) / 1000),
        'RSS MB': Math.round(await rssMb(service.child.pid)),
        'req/s':
          now.at > before.at
            ? Math.round(((now.answered - before.answered) * 1000) / (now.at - before.at))
            : 0,
      });
      before = now;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  })();
  await Promise.all([...Array.from({ length: concurrency }, client), sampler]);
  const elapsed = (performance.now() - started) / 1000;
  const total = answered();
  const rss = samples.map((s) => Number(s['RSS MB']));
  const first = rss[0] ?? 0;
  const last = rss.at(-1) ?? 0;
  // After the warm-up (the first sixth of the run, at most 5 minutes) PGlite's buffer cache and
  // the vector cache have their working size; growth after it is what a leak would show.
  const warmUpSeconds = Math.min(300, seconds / 6);
  const settled = Number(samples.find((s) => Number(s.s) >= warmUpSeconds)?.['RSS MB'] ?? first);
  const change = (from: number) => (((last - from) / (from || 1)) * 100).toFixed(1);
  printTable(`soak: ${seconds} s, concurrency ${concurrency}, ${seeded} documents`, samples);
  const summary = {
    'requests/s': Math.round(total / elapsed),
    ...counts,
    'RSS first MB': first,
    'RSS last MB': last,
    'RSS change %': change(first),
    [`RSS after ${String(Math.round(warmUpSeconds))} s MB`]: settled,
    'change after it %': change(settled),
  };
  printTable('summary', [summary]);
  const figures: Figure[] = [
    {
      name: 'mixed traffic, concurrency 8 (embedded)',
      measured: summary['requests/s'],
      unit: 'requests/s',
      bar: { op: '>=', value: 360 },
    },
    { name: 'mixed traffic 5xx responses', measured: counts.errors5xx, unit: 'responses' },
    {
      name: `RSS change over ${seconds} s of mixed traffic`,
      measured: Number(summary['RSS change %']),
      unit: '%',
    },
    {
      name: `RSS change after the first ${String(Math.round(warmUpSeconds))} s (goal ± 5 %)`,
      measured: Number(change(settled)),
      unit: '%',
    },
  ];
  console.log(`written to ${writeResults('soak', { seconds, summary, samples, figures })}`);
} finally {
  await service.stop();
  await rm(dir, { recursive: true, force: true });
}
