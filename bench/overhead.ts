/**
 * Telemetry overhead: the same service with telemetry on (RED metrics, default 10% trace
 * sampling) and off (`AIDB_TELEMETRY=false`), alternating on/off rounds in one run so machine
 * noise hits both alike; throughput on `/health/live` and on search. Bars (ARCHITECTURE.md):
 * on ≥ 0.90× off for search, ≥ 0.80× for `/health/live`. Beside throughput, the service
 * processes' CPU time per request (utime + stime of the service and its children): on a
 * machine other work shares, throughput moves with the neighbours, CPU per request much less.
 * Twelve rounds of 5 s rather than five of 8 s: each ratio is the median of the rounds' own
 * on/off ratios, and more, shorter rounds give its quartiles, the margin issue 23 asks to show.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quick, type Figure } from './support/figures.ts';
import {
  alternatingRounds,
  concurrency,
  seedBenchCollection,
  type Endpoint,
} from './support/load.ts';
import { cpuSeconds } from './support/proc-stats.ts';
import { median, percentile, printTable, writeResults, type Row } from './support/report.ts';
import { benchAuth, startServiceProcess, type ServiceProcess } from './support/service-process.ts';

const rounds = quick ? 2 : 12;
const secondsPerRound = quick ? 3 : 5;
const bars = { search: 0.9, live: 0.8 } as const;

async function startWith(telemetry: boolean, dataDir: string): Promise<ServiceProcess> {
  const service = await startServiceProcess({
    AIDB_DATA_DIR: dataDir,
    AIDB_TELEMETRY: String(telemetry),
  });
  await seedBenchCollection(service.url, benchAuth);
  return service;
}

type Mode = 'on' | 'off';
interface Round {
  readonly perSecond: number;
  /** Service CPU (all its processes) per request, in microseconds. */
  readonly cpuMicros: number;
}

/** The process and every descendant of it (the service may run helpers of its own). */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (stat !== '') parents.set(Number(entry), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1)
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

async function treeCpuSeconds(root: number): Promise<number> {
  const seconds = await Promise.all(
    (await processTree(root)).map((pid) => cpuSeconds(pid).catch(() => 0)),
  );
  return seconds.reduce((sum, value) => sum + value, 0);
}

/** A round's throughput and the service's CPU time per request around it. */
async function withCpu(service: ServiceProcess, run: () => Promise<number>): Promise<Round> {
  const pid = service.child.pid ?? 0;
  const cpu0 = await treeCpuSeconds(pid);
  const started = performance.now();
  const perSecond = await run();
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await treeCpuSeconds(pid)) - cpu0;
  return { perSecond, cpuMicros: (cpu / (perSecond * elapsed)) * 1e6 };
}

const dirs = {
  on: await mkdtemp(join(tmpdir(), 'aidb-bench-on-')),
  off: await mkdtemp(join(tmpdir(), 'aidb-bench-off-')),
};
const services = { on: await startWith(true, dirs.on), off: await startWith(false, dirs.off) };
let measured: Record<Endpoint, Record<Mode, Round[]>>;
try {
  measured = await alternatingRounds(
    { on: services.on.url, off: services.off.url },
    ['on', 'off'],
    {
      rounds,
      seconds: secondsPerRound,
      headers: benchAuth,
      measure: (mode, run) => withCpu(services[mode], run),
    },
  );
} finally {
  await Promise.all([services.on.stop(), services.off.stop()]);
  await Promise.all([
    rm(dirs.on, { recursive: true, force: true }),
    rm(dirs.off, { recursive: true, force: true }),
  ]);
}

const pick = (field: keyof Round) =>
  Object.fromEntries(
    (['live', 'search'] as const).map((endpoint) => [
      endpoint,
      {
        on: measured[endpoint].on.map((round) => round[field]),
        off: measured[endpoint].off.map((round) => round[field]),
      },
    ]),
  ) as Record<Endpoint, Record<Mode, number[]>>;
const samples = pick('perSecond');
const cpuMicros = pick('cpuMicros');

/**
 * The ratio of each round's two halves, which ran back to back: a neighbour's load that comes and
 * goes over the run moves both halves of a round alike, where a ratio of two medians taken over
 * the whole run keeps it. The median of these ratios decides; its quartiles show the margin.
 */
function pairedRatios(top: readonly number[], bottom: readonly number[]): number[] {
  return top.map((value, i) => value / (bottom[i] ?? NaN)).sort((a, b) => a - b);
}
const throughputRatios = (endpoint: Endpoint) =>
  pairedRatios(samples[endpoint].on, samples[endpoint].off);
const cpuRatios = (endpoint: Endpoint) =>
  pairedRatios(cpuMicros[endpoint].off, cpuMicros[endpoint].on);
const ratio = (endpoint: Endpoint) => median(throughputRatios(endpoint));
const cpuExtra = (endpoint: Endpoint) =>
  median(cpuMicros[endpoint].on.map((on, i) => on - (cpuMicros[endpoint].off[i] ?? NaN)));
const quartiles = (sorted: readonly number[]) =>
  `${percentile(sorted, 25).toFixed(3)}–${percentile(sorted, 75).toFixed(3)}`;
const rows: Row[] = (['live', 'search'] as const).map((endpoint) => ({
  endpoint: endpoint === 'live' ? '/health/live' : 'search',
  'on req/s (median)': median(samples[endpoint].on).toFixed(0),
  'off req/s (median)': median(samples[endpoint].off).toFixed(0),
  'on/off': ratio(endpoint).toFixed(3),
  'on/off p25–p75': quartiles(throughputRatios(endpoint)),
  bar: `≥ ${bars[endpoint].toFixed(2)}`,
  'CPU µs/req on': median(cpuMicros[endpoint].on).toFixed(0),
  'CPU µs/req off': median(cpuMicros[endpoint].off).toFixed(0),
  'CPU off/on': median(cpuRatios(endpoint)).toFixed(3),
  'CPU off/on p25–p75': quartiles(cpuRatios(endpoint)),
}));
printTable(
  `telemetry overhead: ${String(rounds)} alternating rounds × ${String(secondsPerRound)} s, ${String(concurrency)} concurrent; ratios are medians of each round's pair`,
  rows,
);
const label = (endpoint: Endpoint) => (endpoint === 'live' ? '/health/live' : 'search');
const figures: Figure[] = (['search', 'live'] as const).flatMap((endpoint): Figure[] => [
  {
    name: `throughput with telemetry on / off, ${label(endpoint)}`,
    measured: Number(ratio(endpoint).toFixed(3)),
    unit: '×',
    bar: { op: '>=', value: bars[endpoint] },
  },
  {
    name: `throughput with telemetry on / off, lower quartile of the rounds, ${label(endpoint)}`,
    measured: Number(percentile(throughputRatios(endpoint), 25).toFixed(3)),
    unit: '×',
  },
  // Context for the ratio above: what telemetry adds to each request in CPU time, which the
  // neighbours of a shared machine move far less than they move throughput.
  {
    name: `service CPU per request added by telemetry, ${label(endpoint)}`,
    measured: Math.round(cpuExtra(endpoint)),
    unit: 'µs',
  },
  {
    name: `service CPU per request with telemetry off / on, ${label(endpoint)}`,
    measured: Number(median(cpuRatios(endpoint)).toFixed(3)),
    unit: '×',
  },
]);
const file = writeResults('overhead', {
  rounds,
  secondsPerRound,
  concurrency,
  samples,
  cpuMicrosPerRequest: cpuMicros,
  figures,
  quick,
});
console.log(`\nwritten to ${file}`);
// Only figures with a bar decide: telemetry's added CPU can measure below zero in a noisy round.
if (figures.some((f) => f.bar !== undefined && (f.measured ?? 0) < f.bar.value))
  process.exitCode = 1;
