/**
 * Where the embedded profile's memory goes: resident and peak memory of a bare PGlite created on
 * a fresh directory (migrated like the service's), with each setting that could size it, each in
 * its own child process; then `aidb serve` itself, idle, on a fresh data directory and again on
 * the same directory (a reopen). Goals (issue 23): idle RSS ≤ 250 MB, start-up peak ≤ 400 MB.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { migrate } from '../service/store/migrate.ts';
import type { Figure } from './support/figures.ts';
import { memoryKb } from './support/proc-stats.ts';
import { printTable, writeResults, type Row } from './support/report.ts';
import { startServiceProcess } from './support/service-process.ts';

const variants: Record<string, PGliteOptions> = {
  'defaults, with pgvector (the service today)': { extensions: { vector } },
  'defaults, no pgvector': {},
  'shared_buffers=16MB': { startParams: startParams(['shared_buffers=16MB']) },
  'shared_buffers=16MB, work_mem=1MB, maintenance_work_mem=8MB, wal_buffers=1MB': {
    startParams: startParams([
      'shared_buffers=16MB',
      'work_mem=1MB',
      'maintenance_work_mem=8MB',
      'wal_buffers=1MB',
    ]),
  },
  'initialMemory=32MB': { initialMemory: 32 * 2 ** 20 },
};

/** PGlite's own start parameters (0.5.14) plus ours: `startParams` replaces its defaults. */
function startParams(settings: readonly string[]): string[] {
  return [
    '--single',
    '-F',
    '-O',
    '-j',
    ...[
      'search_path=public',
      'exit_on_error=false',
      'log_checkpoints=false',
      'max_worker_processes=0',
      'max_parallel_workers=0',
      'max_parallel_workers_per_gather=0',
      'io_method=sync',
      'max_parallel_maintenance_workers=0',
      ...settings,
    ].flatMap((setting) => ['-c', setting]),
  ];
}

async function status(pid: number | undefined): Promise<{ rss: number; peak: number }> {
  const [rss, peak] = await Promise.all([memoryKb(pid ?? 0, 'VmRSS'), memoryKb(pid ?? 0, 'VmHWM')]);
  return { rss: rss / 1024, peak: peak / 1024 };
}

const childVariant = process.argv[2] === '--child' ? process.argv[3] : undefined;
if (childVariant !== undefined) {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-pglite-memory-'));
  const db = await PGlite.create(dir, variants[childVariant]);
  const pool = new pg.Pool(createPgConfig(db));
  await migrate(pool);
  const { rows } = await pool.query<{ setting: string }>(
    "SELECT current_setting('shared_buffers') AS setting",
  );
  await sleep(1000);
  const { rss, peak } = await status(process.pid);
  console.log(JSON.stringify({ rss, peak, sharedBuffers: rows[0]?.setting }));
  await pool.end();
  await db.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}

const rows: Row[] = [];
for (const name of Object.keys(variants)) {
  const child = spawn(process.execPath, [import.meta.filename, '--child', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    // initialMemory below 128 MiB is refused: the WASM module declares 2048 pages initial.
    rows.push({ process: `bare PGlite: ${name}`, shared_buffers: `fails (exit ${code})` });
    continue;
  }
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    rss: number;
    peak: number;
    sharedBuffers: string;
  };
  rows.push({
    process: `bare PGlite: ${name}`,
    shared_buffers: result.sharedBuffers,
    'idle RSS MB': Math.round(result.rss),
    'peak RSS MB': Math.round(result.peak),
  });
}

const dataDir = await mkdtemp(join(tmpdir(), 'aidb-serve-memory-'));
try {
  for (const start of ['fresh data directory', 'reopen']) {
    const service = await startServiceProcess({ AIDB_DATA_DIR: dataDir });
    await sleep(5000);
    const { rss, peak } = await status(service.child.pid);
    rows.push({
      process: `aidb serve (embedded), ${start}`,
      shared_buffers: '',
      'idle RSS MB': Math.round(rss),
      'peak RSS MB': Math.round(peak),
    });
    await service.stop();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

printTable('memory of the embedded profile (Linux VmRSS / VmHWM)', rows);
const serve = rows.find((row) => row.process === 'aidb serve (embedded), fresh data directory');
const figures: Figure[] = [
  {
    name: 'aidb serve (embedded) idle RSS, fresh data directory',
    measured: serve === undefined ? null : Number(serve['idle RSS MB']),
    unit: 'MB',
    bar: { op: '<=', value: 250 },
  },
  {
    name: 'aidb serve (embedded) start-up peak RSS, fresh data directory',
    measured: serve === undefined ? null : Number(serve['peak RSS MB']),
    unit: 'MB',
    bar: { op: '<=', value: 400 },
  },
];
console.log(`written to ${writeResults('pglite-memory', { rows, figures })}`);
