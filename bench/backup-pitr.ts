/**
 * `npm run bench:backup-pitr` (issue 19): WAL archiving figures, in one run (the base backup
 * against bare `pg_basebackup -Ft` is `npm run bench:backup`'s, with its stage timings).
 * pgbench writing for --seconds while the archiver (bench/wal-child.ts, the agent's code)
 *    streams: the WAL rate pgbench produces against the rate the archiver archives at (bytes
 *    per second of archiving time; bar: ≥ 2× headroom), the recovery point age sampled every
 *    second (bar: ≤ 60 s), and the archiver's peak RSS.
 *
 * Options: --scale N (pgbench scale; 70 ≈ 1 GiB, the default), --seconds N (60),
 * --switch-seconds N (the RPO interval, 10), --rate N (pgbench tps, 0 = unlimited), --cache DIR.
 */
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { agentNodeOptions } from '../agent/node-options.ts';
import { libpqEnv } from '../backups/postgres/connection.ts';
import { quick, type Figure } from './support/figures.ts';
import { startCachedCluster } from './postgres-cluster.ts';
import { median } from './support/report.ts';

const run = promisify(execFile);
const pgBin = '/usr/lib/postgresql/15/bin';
const mib = 1024 * 1024;
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '70' },
    seconds: { type: 'string', default: quick ? '30' : '60' },
    'switch-seconds': { type: 'string', default: '10' },
    cache: { type: 'string', default: '/var/tmp/aidb-bench-pitr' },
    // pgbench transactions per second (--rate): 0 writes as fast as it can; a low rate leaves
    // segments open, so the RPO interval (the switch) is what bounds the recovery point.
    rate: { type: 'string', default: '0' },
  },
});

async function one<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows[0];
  } finally {
    await client.end();
  }
}

const cluster = await startCachedCluster(join(values.cache, 'cluster'), false);
const work = await mkdtemp(join(tmpdir(), 'aidb-bench-pitr-'));
try {
  const admin = cluster.url('postgres');
  const url = cluster.url('pgbench');
  const exists = await one(admin, "SELECT 1 AS x FROM pg_database WHERE datname = 'pgbench'");
  if (exists === undefined) {
    await one(admin, 'CREATE DATABASE pgbench');
    console.log(`initialising pgbench at scale ${values.scale}…`);
    await run(join(pgBin, 'pgbench'), ['-i', '-q', '-s', values.scale], {
      env: libpqEnv({ url }),
      maxBuffer: 1 << 24,
    });
  }
  const size =
    Number((await one<{ s: string }>(url, 'SELECT pg_database_size(current_database()) AS s'))?.s) /
    mib;
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);

  // Streaming under pgbench.
  const repository = join(work, 'wal-repo');
  const child = spawn(
    process.execPath,
    [
      ...agentNodeOptions,
      new URL('./wal-child.ts', import.meta.url).pathname,
      url,
      repository,
      join(work, 'spool'),
      recipient,
      pgBin,
      String(Number(values['switch-seconds']) * 1000),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } },
  );
  let newest = Date.now();
  let archivedBytes = 0;
  let archivingSeconds = 0;
  let peakRss = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as {
      archivedAt?: string;
      bytes?: number;
      seconds?: number;
      rss?: number;
    };
    if (event.rss !== undefined) peakRss = Math.max(peakRss, event.rss);
    if (event.archivedAt !== undefined) {
      newest = Math.max(newest, Date.parse(event.archivedAt));
      archivedBytes += event.bytes ?? 0;
      archivingSeconds += event.seconds ?? 0;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const startLsn =
    (await one<{ l: string }>(url, 'SELECT pg_current_wal_lsn()::text AS l'))?.l ?? '0/0';
  const started = performance.now();
  const ages: number[] = [];
  const sampler = setInterval(() => ages.push((Date.now() - newest) / 1000), 1000);
  await run(
    join(pgBin, 'pgbench'),
    [
      '-c',
      '2',
      '-j',
      '2',
      '-T',
      values.seconds,
      '-n',
      ...(values.rate === '0' ? [] : ['-R', values.rate]),
    ],
    {
      env: libpqEnv({ url }),
      maxBuffer: 1 << 24,
    },
  );
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const walBytes = Number(
    (
      await one<{ d: string }>(
        url,
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${startLsn}')::text AS d`,
      )
    )?.d,
  );
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await one(admin, "SELECT pg_drop_replication_slot('aidb_bench')").catch(() => undefined);
  const walRate = walBytes / seconds;
  const archiveRate = archivingSeconds > 0 ? archivedBytes / archivingSeconds : 0;
  // The first samples precede the first switch; the steady state is what the bar is about.
  const steadyAges = ages.slice(Math.ceil(Number(values['switch-seconds'])) + 5);
  const maxAge = Math.max(...steadyAges);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    databaseMib: Math.round(size),
    scale: Number(values.scale),
    pgbenchRate: Number(values.rate),
    streaming: {
      pgbenchSeconds: seconds,
      walMibPerSecond: walRate / mib,
      archiveMibPerSecond: archiveRate / mib,
      headroom: archiveRate / walRate,
      maxRecoveryPointAgeSeconds: maxAge,
      medianRecoveryPointAgeSeconds: median(steadyAges),
      peakRssMb: peakRss / 1e6,
      switchSeconds: Number(values['switch-seconds']),
    },
  };
  console.table({
    database: {
      value: `${result.databaseMib} MiB (pgbench scale ${values.scale})`,
      bar: '≥ 1024 MiB',
    },
    'WAL pgbench produces': { value: `${(walRate / mib).toFixed(1)} MiB/s`, bar: '' },
    'archiving throughput': {
      value: `${(archiveRate / mib).toFixed(1)} MiB/s (${result.streaming.headroom.toFixed(1)}× headroom)`,
      bar: '≥ 2×',
    },
    'recovery point age, steady writes': {
      value: `max ${maxAge.toFixed(0)} s, median ${result.streaming.medianRecoveryPointAgeSeconds.toFixed(0)} s`,
      bar: '≤ 60 s',
    },
    'archiver peak RSS': { value: `${result.streaming.peakRssMb.toFixed(0)} MB`, bar: '' },
  });
  const figures: Figure[] = [
    {
      name: 'WAL archiving headroom over pgbench WAL rate',
      measured: Math.round(result.streaming.headroom * 10) / 10,
      unit: '×',
      bar: { op: '>=', value: 2 },
    },
    {
      name: 'recovery point age under steady writes (max)',
      measured: Math.round(maxAge),
      unit: 's',
      bar: { op: '<=', value: 60 },
    },
    {
      name: 'archiver peak RSS while streaming',
      measured: Math.round(result.streaming.peakRssMb),
      unit: 'MB',
    },
  ];
  const dir = new URL('./results/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `backup-pitr-${result.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ ...result, figures, quick }, null, 2)}\n`);
  console.log(`wrote ${file}`);
} finally {
  await rm(work, { recursive: true, force: true });
  await cluster.stop();
}
