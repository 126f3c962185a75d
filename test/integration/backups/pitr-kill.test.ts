import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walArchive } from '../../../backups/wal/archive.ts';
import { parseSegment } from '../../../backups/wal/segments.ts';
import { cliPath, runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { generateKeys, pgBin, type Keys } from './fixtures.ts';

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('SIGKILL of the archiver and of a base backup: no WAL gap, nothing half-written counted', () => {
  let server: PostgresServer;
  let keys: Keys;
  let dir: string;
  let env: Record<string, string>;
  let url: string;
  const children: ChildProcess[] = [];

  const start = (args: readonly string[]): ChildProcess => {
    const log = openSync(join(dir, `cli-${String(children.length)}.log`), 'w');
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', log],
    });
    closeSync(log);
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) =>
          child.once('exit', () => {
            resolve();
          }),
        );
  const archive = () =>
    walArchive({
      repositoryDir: join(dir, 'repository'),
      recipients: [keys.recipient],
      identities: [keys.identity],
      compressionLevel: 3,
    });
  const slotActive = async (): Promise<boolean> =>
    (
      await sql<{ active: boolean }>(
        server.url,
        "SELECT active FROM pg_replication_slots WHERE slot_name = 'aidb_wal'",
      )
    )[0]?.active === true;
  /** Writes a batch and closes the segment; returns the name of the segment closed. */
  const writeAndSwitch = async (from: number): Promise<string> => {
    await sql(url, `INSERT INTO items SELECT g FROM generate_series(${from}, ${from + 999}) AS g`);
    const [row] = await sql<{ name: string }>(
      url,
      'SELECT pg_walfile_name(pg_switch_wal()) AS name',
    );
    return row?.name ?? '';
  };

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('app');
    await sql(url, 'CREATE TABLE items (id int)');
    keys = await generateKeys();
    dir = await mkdtemp(join(tmpdir(), 'aidb-pitr-kill-'));
    const identityFile = join(dir, 'backup.key');
    await writeFile(identityFile, `${keys.identity}\n`, { mode: 0o600 });
    env = {
      AIDB_PROFILE: 'external',
      DATABASE_URL: url,
      AIDB_DATA_DIR: join(dir, 'data'),
      AIDB_BACKUP_REPOSITORY: join(dir, 'repository'),
      AIDB_BACKUP_IDENTITY_FILE: identityFile,
      AIDB_BACKUP_PG_BIN_DIR: pgBin,
      AIDB_BACKUP_PITR: 'true',
      AIDB_BACKUP_WAL_SWITCH_SECONDS: '0',
      AIDB_LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await server.close();
    if (process.env.AIDB_KEEP_TEST_DIR === undefined)
      await rm(dir, { recursive: true, force: true });
  });

  it('a killed archiver leaves no gap once another starts, and no orphan holding the slot', async () => {
    const first = start(['backup', 'wal-stream']);
    await waitFor('the first archiver to stream', slotActive, { timeoutMs: 30_000 });
    const closed: string[] = [];
    for (let i = 0; i < 3; i += 1) closed.push(await writeAndSwitch(i * 1000));
    await waitFor('the first segments to be archived', () => archive().has(closed[2] ?? ''), {
      timeoutMs: 30_000,
    });
    // Writes go on while it is being killed and while no archiver runs: the slot keeps them.
    const during = writeAndSwitch(3000);
    first.kill('SIGKILL');
    await exited(first);
    closed.push(await during);
    for (let i = 4; i < 7; i += 1) closed.push(await writeAndSwitch(i * 1000));
    // Its pg_receivewal saw its stdin close and stopped: the slot is free for the next one.
    await waitFor('the orphaned pg_receivewal to stop', async () => !(await slotActive()), {
      timeoutMs: 30_000,
    });
    const second = start(['backup', 'wal-stream']);
    await waitFor(
      'every closed segment to be archived',
      async () => {
        const names = new Set((await archive().list()).entries.map((e) => e.name));
        return closed.every((name) => names.has(name));
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    second.kill('SIGTERM');
    await exited(second);

    const status = await runCli(['backup', 'wal-status', '--json'], env);
    const parsed = JSON.parse(status.stdout) as { gaps: unknown[]; problems: unknown[] };
    expect(parsed.gaps).toEqual([]);
    expect(parsed.problems).toEqual([]);
    // Contiguous from the first archived segment to the last one closed.
    const { entries } = await archive().list();
    const numbers = entries.map((e) => parseSegment(e.name)?.number ?? -1).filter((n) => n >= 0);
    const last = parseSegment(closed.at(-1) ?? '')?.number ?? 0;
    const first0 = Math.min(...numbers);
    expect(numbers.filter((n) => n <= last).sort((a, b) => a - b)).toEqual(
      Array.from({ length: last - first0 + 1 }, (_, i) => first0 + i),
    );
    // Everything listed reads back with its recorded digests.
    for (const entry of entries) {
      expect(
        await archive().fetch(entry.name, join(dir, 'fetched'), new AbortController().signal),
      ).toBe(true);
    }
    expect(await readdir(join(dir, 'repository', 'wal', '.tmp'))).toEqual([]);
  }, 150_000);

  it('a base backup killed midway counts for nothing, leaves no pg_basebackup behind, and the next one succeeds', async () => {
    // Enough data that the base takes a while to stream.
    await sql(
      url,
      "CREATE TABLE filler AS SELECT g, md5(g::text) || repeat('x', 200) AS pad FROM generate_series(1, 300000) AS g",
    );
    const run = start(['backup', 'run', 'pg']);
    const tmp = join(dir, 'repository', '.tmp');
    await waitFor(
      'the base backup to be writing',
      async () => (await readdir(tmp).catch(() => [])).length > 0,
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    run.kill('SIGKILL');
    await exited(run);
    const manifests = async () =>
      (await readdir(join(dir, 'repository'))).filter((n) => n.endsWith('.manifest.json'));
    expect(await manifests()).toEqual([]);
    await waitFor(
      'the server to end the interrupted base backup',
      async () => {
        const rows = await sql(
          server.url,
          "SELECT 1 FROM pg_stat_activity WHERE backend_type = 'walsender' AND application_name = 'aidb-backup'",
        );
        return rows.length === 0;
      },
      { timeoutMs: 30_000 },
    );
    const again = await runCli(['backup', 'run', 'pg', '--json'], env, 120_000);
    expect(again.code).toBe(0);
    expect(await manifests()).toHaveLength(1);
    expect(await readdir(tmp)).toEqual([]);
  }, 180_000);
});
