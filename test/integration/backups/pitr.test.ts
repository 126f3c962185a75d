import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaseBackupDriver } from '../../../backups/postgres/base-driver.ts';
import { walArchive, type WalArchive } from '../../../backups/wal/archive.ts';
import { startWalReceiver, type WalReceiver } from '../../../backups/wal/receiver.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import { createLogger } from '../../../lib/logger.ts';
import { runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { generateKeys, pgBin, testEngine, type Keys } from './fixtures.ts';
import { giveToServerUser, startRecovered } from './recovered-cluster.ts';

/** Rows committed before each noted time, and the time itself. */
interface Mark {
  readonly at: string;
  readonly rows: number;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function insert(url: string, from: number, count: number): Promise<void> {
  await query(
    url,
    `INSERT INTO items SELECT g, 'row ' || g FROM generate_series(${from}, ${from + count - 1}) AS g`,
  );
}

/** A time strictly between what committed before and what commits after. */
async function mark(rows: number): Promise<Mark> {
  await sleep(30);
  const at = new Date().toISOString();
  await sleep(30);
  return { at, rows };
}

describe('point-in-time recovery drill (PostgreSQL 15, base backup + WAL archive)', () => {
  let server: PostgresServer;
  let keys: Keys;
  let dir: string;
  let repositoryDir: string;
  let identityFile: string;
  let archive: WalArchive;
  let base: Manifest;
  let appUrl: string;
  const marks: Record<'t1' | 't2' | 'beforeDrop', Mark> = {} as never;
  let receiver: WalReceiver;
  const stop = new AbortController();

  beforeAll(async () => {
    server = await startPostgres();
    appUrl = await server.createDatabase('app');
    await query(appUrl, 'CREATE TABLE items (id int PRIMARY KEY, label text)');
    keys = await generateKeys();
    // Not the run directory: the restored servers and their restore_command run as postgres,
    // which cannot enter it; os.tmpdir() as test/support/postgres.ts does.
    dir = await mkdtemp(join(tmpdir(), 'aidb-pitr-'));
    repositoryDir = join(dir, 'repository');
    identityFile = join(dir, 'backup.key');
    await writeFile(identityFile, `${keys.identity}\n`, { mode: 0o600 });
    const connection = { url: appUrl, binDir: pgBin };
    const driver = createBaseBackupDriver({
      connection,
      scratch: { url: server.url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
    });
    const { engine } = testEngine({ dir: repositoryDir, drivers: { postgres: driver }, keys });
    archive = walArchive({
      repositoryDir,
      recipients: [keys.recipient],
      identities: [keys.identity],
      compressionLevel: 3,
    });
    const logger = createLogger({ level: 'silent', name: 'pitr-test' });
    receiver = startWalReceiver(
      {
        connection,
        slot: 'aidb_wal',
        spoolDir: join(dir, 'spool'),
        archive,
        logger,
        switchIntervalMs: 0,
        pollMs: 200,
        restartDelayMs: 200,
      },
      stop.signal,
    );
    const outcome = await engine.run('postgres', new AbortController().signal);
    if (outcome.status !== 'success')
      throw new Error(`base backup failed: ${JSON.stringify(outcome)}`);
    base = outcome.manifest;

    await insert(appUrl, 1, 100);
    marks.t1 = await mark(100);
    await insert(appUrl, 101, 50);
    marks.t2 = await mark(150);
    await insert(appUrl, 151, 25);
    marks.beforeDrop = await mark(175);
    await query(appUrl, 'DROP TABLE items');
    const [switched] = await query<{ name: string }>(
      appUrl,
      'SELECT pg_walfile_name(pg_switch_wal()) AS name',
    );
    const last = switched?.name ?? '';
    await waitFor(`WAL ${last} to be archived`, () => archive.has(last), { timeoutMs: 30_000 });
    stop.abort();
    await receiver.done;
    await giveToServerUser(dir);
  }, 120_000);

  afterAll(async () => {
    stop.abort();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the base backup with its WAL range and the archive has no gap after it', async () => {
    expect(base.parts.map((p) => p.format)).toEqual(['pg_basebackup-tar']);
    expect(base.wal?.timeline).toBe(1);
    expect(base.verifications.map((v) => [v.level, v.ok])).toEqual([['1', true]]);
    const status = await runCli(['backup', 'wal-status', '--json'], {
      AIDB_BACKUP_REPOSITORY: repositoryDir,
      AIDB_BACKUP_IDENTITY_FILE: identityFile,
    });
    expect(status.stderr).toBe('');
    const parsed = JSON.parse(status.stdout) as {
      gaps: unknown[];
      files: number;
      oldestBase: string;
    };
    expect(parsed.gaps).toEqual([]);
    expect(parsed.oldestBase).toBe(base.id);
    expect(parsed.files).toBeGreaterThan(0);
  });

  async function restoreTo(
    toTime: string,
    name: string,
  ): Promise<{ stdout: string; count: number | 'absent' }> {
    const target = join(dir, name, 'data');
    await mkdir(join(dir, name), { recursive: true });
    const result = await runCli(
      ['backup', 'restore', '--to-time', toTime, '--target', target],
      { AIDB_BACKUP_REPOSITORY: repositoryDir, AIDB_BACKUP_IDENTITY_FILE: identityFile },
      60_000,
    );
    if (result.code !== 0) throw new Error(`restore failed (${result.code}): ${result.stderr}`);
    const cluster = await startRecovered(target);
    try {
      const [exists] = await query<{ t: string | null }>(
        cluster.url('app'),
        "SELECT to_regclass('items')::text AS t",
      );
      if (exists?.t === null) return { stdout: result.stdout, count: 'absent' };
      const [row] = await query<{ n: string }>(
        cluster.url('app'),
        'SELECT count(*) AS n FROM items',
      );
      return { stdout: result.stdout, count: Number(row?.n) };
    } finally {
      await cluster.stop();
    }
  }

  it('restores to T1, T2 and just before the DROP with exactly the rows committed before each', async () => {
    const found: Record<string, number | 'absent'> = {};
    for (const [name, m] of Object.entries(marks)) {
      const { stdout, count } = await restoreTo(m.at, name);
      expect(stdout).toContain(`base backup: ${base.id}`);
      found[name] = count;
    }
    expect(found).toEqual({ t1: 100, t2: 150, beforeDrop: 175 });
  }, 180_000);

  it('restores to latest: the end of the archive, after the DROP', async () => {
    const { count } = await restoreTo('latest', 'latest');
    expect(count).toBe('absent');
  }, 60_000);

  it('refuses a target later than the newest archived WAL, naming it, and writes nothing', async () => {
    const target = join(dir, 'future', 'data');
    const result = await runCli(
      ['backup', 'restore', '--to-time', '2099-01-01T00:00:00Z', '--target', target],
      { AIDB_BACKUP_REPOSITORY: repositoryDir, AIDB_BACKUP_IDENTITY_FILE: identityFile },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/newest archived WAL was archived at .* before the target 2099/);
  });

  it('refuses a target time that is not RFC 3339 with a usage error', async () => {
    const result = await runCli(
      ['backup', 'restore', '--to-time', 'yesterday', '--target', join(dir, 'x')],
      { AIDB_BACKUP_REPOSITORY: repositoryDir, AIDB_BACKUP_IDENTITY_FILE: identityFile },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to-time yesterday is neither an RFC 3339 time');
  });
});
