/**
 * Telemetry overhead: the same service with telemetry on (RED metrics, default 10% trace
 * sampling) and off (`AIDB_TELEMETRY=false`), alternating on/off rounds in one run so machine
 * noise hits both alike; throughput on `/health/live` and on search. Bars (ARCHITECTURE.md):
 * on ≥ 0.90× off for search, ≥ 0.80× for `/health/live`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quick, type Figure } from './support/figures.ts';
import { printTable, writeResults, type Row } from './support/report.ts';
import { benchAuth, startServiceProcess, type ServiceProcess } from './support/service-process.ts';

const rounds = quick ? 2 : 5;
const secondsPerRound = quick ? 3 : 8;
const concurrency = 16;
const bars = { search: 0.9, live: 0.8 } as const;

type Endpoint = 'live' | 'search';

/** Requests completed per second by `concurrency` loops over `seconds`. */
async function throughput(service: ServiceProcess, endpoint: Endpoint, seconds: number) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const request = (i: number): Promise<Response> =>
    endpoint === 'live'
      ? fetch(`${service.url}/health/live`)
      : fetch(`${service.url}/v1/collections/bench/search`, {
          method: 'POST',
          headers: { ...benchAuth, 'content-type': 'application/json' },
          body: JSON.stringify({ query: `green tea steeping ${String(i % 50)}` }),
        });
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const response = await request(done);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${endpoint}: ${String(response.status)}`);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - started) / 1000);
}

async function startWith(telemetry: boolean, dataDir: string): Promise<ServiceProcess> {
  const service = await startServiceProcess({
    AIDB_DATA_DIR: dataDir,
    AIDB_TELEMETRY: String(telemetry),
  });
  const put = await fetch(`${service.url}/v1/collections/bench`, {
    method: 'PUT',
    headers: { ...benchAuth, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!put.ok && put.status !== 200) throw new Error(`PUT collection: ${String(put.status)}`);
  const documents = Array.from({ length: 100 }, (_, i) => ({
    id: `d${String(i)}`,
    content: `Document ${String(i)} on green tea, steeping times and water temperature.`,
  }));
  await fetch(`${service.url}/v1/collections/bench/documents`, {
    method: 'POST',
    headers: { ...benchAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ documents }),
  });
  return service;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

const dirs = {
  on: await mkdtemp(join(tmpdir(), 'aidb-bench-on-')),
  off: await mkdtemp(join(tmpdir(), 'aidb-bench-off-')),
};
const services = { on: await startWith(true, dirs.on), off: await startWith(false, dirs.off) };
const samples: Record<Endpoint, Record<'on' | 'off', number[]>> = {
  live: { on: [], off: [] },
  search: { on: [], off: [] },
};
try {
  for (const endpoint of ['live', 'search'] as const) {
    // Warm-up: JIT, connection pools, caches.
    for (const mode of ['on', 'off'] as const) await throughput(services[mode], endpoint, 2);
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which goes first, so neither always runs on a warmer or quieter machine.
      const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const mode of order)
        samples[endpoint][mode].push(await throughput(services[mode], endpoint, secondsPerRound));
    }
  }
} finally {
  await Promise.all([services.on.stop(), services.off.stop()]);
  await Promise.all([
    rm(dirs.on, { recursive: true, force: true }),
    rm(dirs.off, { recursive: true, force: true }),
  ]);
}

const ratio = (endpoint: Endpoint) => median(samples[endpoint].on) / median(samples[endpoint].off);
const rows: Row[] = (['live', 'search'] as const).map((endpoint) => ({
  endpoint: endpoint === 'live' ? '/health/live' : 'search',
  'on req/s (median)': median(samples[endpoint].on).toFixed(0),
  'off req/s (median)': median(samples[endpoint].off).toFixed(0),
  'on/off': ratio(endpoint).toFixed(3),
  bar: `≥ ${bars[endpoint].toFixed(2)}`,
}));
printTable(
  `telemetry overhead: ${String(rounds)} alternating rounds × ${String(secondsPerRound)} s, ${String(concurrency)} concurrent`,
  rows,
);
const figures: Figure[] = (['search', 'live'] as const).map((endpoint) => ({
  name: `throughput with telemetry on / off, ${endpoint === 'live' ? '/health/live' : 'search'}`,
  measured: Number(ratio(endpoint).toFixed(3)),
  unit: '×',
  bar: { op: '>=', value: bars[endpoint] },
}));
const file = writeResults('overhead', {
  rounds,
  secondsPerRound,
  concurrency,
  samples,
  figures,
  quick,
});
console.log(`\nwritten to ${file}`);
if (figures.some((f) => (f.measured ?? 0) < (f.bar?.value ?? 0))) process.exitCode = 1;
