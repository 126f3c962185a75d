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
import {
  alternatingRounds,
  concurrency,
  seedBenchCollection,
  type Endpoint,
} from './support/load.ts';
import { median, printTable, writeResults, type Row } from './support/report.ts';
import { benchAuth, startServiceProcess, type ServiceProcess } from './support/service-process.ts';

const rounds = quick ? 2 : 5;
const secondsPerRound = quick ? 3 : 8;
const bars = { search: 0.9, live: 0.8 } as const;

async function startWith(telemetry: boolean, dataDir: string): Promise<ServiceProcess> {
  const service = await startServiceProcess({
    AIDB_DATA_DIR: dataDir,
    AIDB_TELEMETRY: String(telemetry),
  });
  await seedBenchCollection(service.url, benchAuth);
  return service;
}

const dirs = {
  on: await mkdtemp(join(tmpdir(), 'aidb-bench-on-')),
  off: await mkdtemp(join(tmpdir(), 'aidb-bench-off-')),
};
const services = { on: await startWith(true, dirs.on), off: await startWith(false, dirs.off) };
let samples: Record<Endpoint, Record<'on' | 'off', number[]>>;
try {
  samples = await alternatingRounds({ on: services.on.url, off: services.off.url }, ['on', 'off'], {
    rounds,
    seconds: secondsPerRound,
    headers: benchAuth,
  });
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
