import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';
import { cliPath, runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import {
  fakePgBin,
  generateKeys,
  scratchDir,
  seedServiceDatabase,
  testEngine,
  type Keys,
  pgBin,
} from './fixtures.ts';

// Endless incompressible output in 64 KiB writes; dies of SIGPIPE once nobody reads it.
const endlessDump = 'while true; do head -c 65536 /dev/urandom || exit 1; sleep 0.02; done';

/** Processes whose command line mentions `needle`. */
async function processesWith(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (cmdline.includes(needle) && !/\) Z /.test(state)) found.push(Number(entry));
  }
  return found;
}

async function tempBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(join(dir, '.tmp')).catch(() => [] as string[])) {
    total += (await stat(join(dir, '.tmp', name))).size;
  }
  return total;
}

describe('interrupted backups', () => {
  let server: PostgresServer;
  let url: string;
  let keys: Keys;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('source');
    await seedServiceDatabase(url, { collections: 2, documents: 50, chunks: 2 });
    keys = await generateKeys();
  });

  afterAll(async () => {
    await server.close();
  });

  it('SIGKILL mid-backup leaves no backup; the next run cleans up and succeeds', async () => {
    const dir = await scratchDir('sigkill');
    const repository = join(dir, 'repo');
    const fake = await fakePgBin(dir, endlessDump, pgBin);
    const env = {
      PATH: process.env.PATH ?? '',
      AIDB_PROFILE: 'external',
      DATABASE_URL: url,
      AIDB_BACKUP_REPOSITORY: repository,
      AIDB_BACKUP_IDENTITY: keys.identity,
      AIDB_LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [cliPath, 'backup', 'run', 'pg'], {
      env: { ...env, AIDB_BACKUP_PG_BIN_DIR: fake },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    await waitFor('the backup to write data', async () => (await tempBytes(repository)) > 200_000);
    child.kill('SIGKILL');
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const left = await readdir(repository);
    expect(left.filter((name) => name.endsWith('.manifest.json'))).toEqual([]);
    expect(left).toContain('.lock');
    const listed = await runCli(['backup', 'list'], env);
    expect([listed.code, listed.stdout.trim()]).toEqual([
      0,
      'ID  TARGET  STARTED  DURATION  DUMP  STORED  STATE  LEVEL 1  LEVEL 2',
    ]);
    // The orphaned pg_dump dies of SIGPIPE: nothing reads its output any more.
    await waitFor(
      'the orphaned pg_dump to exit',
      async () => (await processesWith(fake)).length === 0,
    );

    const next = await runCli(['backup', 'run', 'pg'], env, 60_000);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(
      /^postgres-\d{8}T\d{9}Z: .* dumped, .* stored in \d+\.\d s \(.*\/s\), verified \(level 1\)\n$/,
    );
    expect(next.stderr).toContain('took over a stale backup lock');
    expect(next.stderr).toContain('removed files left by an interrupted run');
    expect(await readdir(join(repository, '.tmp'))).toEqual([]);
    const after = await readdir(repository);
    expect(after.filter((name) => name.endsWith('.manifest.json'))).toHaveLength(1);
    expect(after.filter((name) => name.endsWith('.zst.age'))).toHaveLength(1);
    expect(after).not.toContain('.lock');
  });

  it('cancelling a run kills pg_dump and removes what it wrote', async () => {
    const dir = await scratchDir('cancel');
    const fake = await fakePgBin(dir, endlessDump, pgBin);
    const driver = createPostgresDriver({
      connection: { url, binDir: fake },
      scratchPrefix: 'aidb_verify_',
    });
    const { engine } = testEngine({ dir: join(dir, 'repo'), drivers: { postgres: driver }, keys });
    const controller = new AbortController();
    const running = engine.run('postgres', controller.signal);
    await waitFor(
      'the backup to write data',
      async () => (await tempBytes(join(dir, 'repo'))) > 100_000,
    );
    controller.abort();
    const outcome = await running;
    expect(outcome.status === 'failure' && outcome.reason).toBe('cancelled');
    await waitFor('pg_dump to be killed', async () => (await processesWith(fake)).length === 0);
    expect(await readdir(join(dir, 'repo', '.tmp'))).toEqual([]);
    expect((await readdir(join(dir, 'repo'))).filter((n) => n !== '.tmp')).toEqual([]);
  });
});
