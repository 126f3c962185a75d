/**
 * Qdrant's official client as aidb sets it up (lib/qdrant.ts) beside a bare `fetch` and beside
 * the client's own defaults, against the Qdrant contract stub on loopback: the cost the client
 * adds per call. Alternating rounds in one process, medians, ratios to bare fetch.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { createQdrantClientApi, qdrantResult } from '../lib/qdrant.ts';
import { startQdrantStub } from '../test/support/qdrant-stub.ts';
import { quick, type Figure } from './support/figures.ts';
import { median, printTable, writeResults, type Row } from './support/report.ts';

const rounds = quick ? 3 : 7;
const callsPerRound = quick ? 200 : 500;

const stub = await startQdrantStub();
const configured = createQdrantClientApi({ url: stub.url });
const defaults = new QdrantClient({ url: stub.url, checkCompatibility: false }).api();
const ways = {
  'bare fetch': async () => (await fetch(`${stub.url}/collections`)).json(),
  'official client, as aidb sets it up': () =>
    qdrantResult((init) => configured.getCollections({}, init), { timeoutMs: 5_000 }),
  'official client, its own dispatcher': () => defaults.getCollections({}),
} as const;
type Way = keyof typeof ways;

async function microsPerCall(way: Way): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < callsPerRound; i += 1) await ways[way]();
  return ((performance.now() - started) * 1000) / callsPerRound;
}

const names = Object.keys(ways) as Way[];
const samples = Object.fromEntries(names.map((way) => [way, [] as number[]])) as Record<
  Way,
  number[]
>;
try {
  for (const way of names) await microsPerCall(way);
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const way of order) samples[way].push(await microsPerCall(way));
  }
} finally {
  await stub.close();
}

const base = median(samples['bare fetch']);
const rows: Row[] = names.map((way) => ({
  'GET /collections': way,
  'µs per call (median)': median(samples[way]).toFixed(0),
  'ratio to bare fetch': (median(samples[way]) / base).toFixed(2),
}));
printTable(
  `Qdrant client overhead: ${String(rounds)} alternating rounds × ${String(callsPerRound)} calls, contract stub on loopback`,
  rows,
);
const figures: Figure[] = names.slice(1).map((way) => ({
  name: `Qdrant call, ${way}, / bare fetch`,
  measured: Number((median(samples[way]) / base).toFixed(2)),
  unit: '×',
}));
console.log(
  `\nwritten to ${writeResults('qdrant-client', { rounds, callsPerRound, samples, figures, quick })}`,
);
