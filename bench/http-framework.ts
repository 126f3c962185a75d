/**
 * Fastify (what the service runs on) beside Express 5 (what the design card named), with
 * bench:overhead's method: the same route table over the same embedded store in two processes
 * (bench/support/framework-server.ts), alternating rounds in one run, throughput on
 * `/health/live` and on search, medians and ratios.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { quick, type Figure } from './support/figures.ts';
import { alternatingRounds, concurrency, seedBenchCollection } from './support/load.ts';
import { median, printTable, writeResults, type Row } from './support/report.ts';

const rounds = quick ? 2 : 3;
const secondsPerRound = quick ? 2 : 5;
const frameworks = ['fastify', 'express'] as const;
type Framework = (typeof frameworks)[number];

const server = join(import.meta.dirname, 'support', 'framework-server.ts');

async function start(framework: Framework, dataDir: string) {
  const child = spawn(process.execPath, [server, framework, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout })) {
    const url = /^listening (\S+)$/.exec(line)?.[1];
    if (url !== undefined) return { child, url };
  }
  throw new Error(`${framework} server exited before listening`);
}

const dirs = Object.fromEntries(
  await Promise.all(
    frameworks.map(async (f) => [f, await mkdtemp(join(tmpdir(), `aidb-bench-${f}-`))] as const),
  ),
) as Record<Framework, string>;
const servers = {
  fastify: await start('fastify', dirs.fastify),
  express: await start('express', dirs.express),
};
let samples;
try {
  for (const f of frameworks) await seedBenchCollection(servers[f].url);
  samples = await alternatingRounds(
    { fastify: servers.fastify.url, express: servers.express.url },
    frameworks,
    { rounds, seconds: secondsPerRound },
  );
} finally {
  for (const f of frameworks) {
    servers[f].child.kill('SIGTERM');
    await once(servers[f].child, 'exit');
    await rm(dirs[f], { recursive: true, force: true });
  }
}

const ratio = (endpoint: 'live' | 'search') =>
  median(samples[endpoint].express) / median(samples[endpoint].fastify);
const rows: Row[] = (['live', 'search'] as const).map((endpoint) => ({
  endpoint: endpoint === 'live' ? '/health/live' : 'search',
  'fastify req/s (median)': median(samples[endpoint].fastify).toFixed(0),
  'express req/s (median)': median(samples[endpoint].express).toFixed(0),
  'express/fastify': ratio(endpoint).toFixed(3),
}));
printTable(
  `Fastify 5 vs Express 5, same routes: ${String(rounds)} alternating rounds × ${String(secondsPerRound)} s, ${String(concurrency)} concurrent`,
  rows,
);
const figures: Figure[] = (['live', 'search'] as const).map((endpoint) => ({
  name: `throughput Express 5 / Fastify 5, ${endpoint === 'live' ? '/health/live' : 'search'}`,
  measured: Number(ratio(endpoint).toFixed(3)),
  unit: '×',
}));
const file = writeResults('http-framework', {
  rounds,
  secondsPerRound,
  concurrency,
  samples,
  figures,
  quick,
});
console.log(`\nwritten to ${file}`);
