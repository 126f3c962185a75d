import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaseBackupDriver } from '../../../backups/postgres/base-driver.ts';
import { walArchive, type WalArchive } from '../../../backups/wal/archive.ts';
import { startWalReceiver, type WalReceiver } from '../../../backups/wal/receiver.ts';
import type { BackupEngine } from '../../../backups/engine.ts';
import type { Manifest, Verification } from '../../../backups/manifest.ts';
import { parseSegment } from '../../../backups/wal/segments.ts';
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

/** Closes the open segment, so each batch of the drill lies in a segment of its own. */
async function switchWal(url: string): Promise<string> {
  const [row] = await query<{ name: string }>(
    url,
    'SELECT pg_walfile_name(pg_switch_wal()) AS name',
  );
  return row?.name ?? '';
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
  let engine: BackupEngine;
  let appUrl: string;
  const marks: Record<'t1' | 't2' | 'beforeDrop', Mark> = {} as never;
  let receiver: WalReceiver;
  const stop = new AbortController();

  beforeAll(async () => {
    server = await startPostgres();
    appUrl = await server.createDatabase('app');
    await query(appUrl, 'CREATE TABLE items (id int PRIMARY KEY, label text)');
    await query(appUrl, 'CREATE TABLE notes (id serial PRIMARY KEY)');
    keys = await generateKeys();
    // Not the run directory: the restored servers and their restore_command run as postgres,
    // which cannot enter it; os.tmpdir() as test/support/postgres.ts does.
    dir = await mkdtemp(join(tmpdir(), 'aidb-pitr-'));
    repositoryDir = join(dir, 'repository');
    identityFile = join(dir, 'backup.key');
    await writeFile(identityFile, `${keys.identity}\n`, { mode: 0o600 });
    const connection = { url: appUrl, binDir: pgBin };
    archive = walArchive({
      repositoryDir,
      recipients: [keys.recipient],
      identities: [keys.identity],
      compressionLevel: 3,
    });
    const driver = createBaseBackupDriver({
      connection,
      scratch: { url: server.url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
      verify: { archive, binDir: pgBin, serverUser: 'postgres', scratchDir: dir },
    });
    ({ engine } = testEngine({ dir: repositoryDir, drivers: { postgres: driver }, keys }));
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
    // A writer that commits row after row while the base is taken: the counts recorded at the
    // restore point must still be exactly those level 2 finds there.
    const writing = new AbortController();
    const writer = (async () => {
      const client = new pg.Client({ connectionString: appUrl });
      await client.connect();
      while (!writing.signal.aborted) await client.query('INSERT INTO notes DEFAULT VALUES');
      await client.end();
    })();
    const outcome = await engine.run('postgres', new AbortController().signal);
    writing.abort();
    await writer;
    if (outcome.status !== 'success')
      throw new Error(`base backup failed: ${JSON.stringify(outcome)}`);
    base = outcome.manifest;

    await insert(appUrl, 1, 100);
    marks.t1 = await mark(100);
    await switchWal(appUrl);
    await insert(appUrl, 101, 50);
    marks.t2 = await mark(150);
    await switchWal(appUrl);
    await insert(appUrl, 151, 25);
    marks.beforeDrop = await mark(175);
    await query(appUrl, 'DROP TABLE items');
    const last = await switchWal(appUrl);
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
    // PostgreSQL 15 compressed it (--compress=server-zstd); level 1, level 2 and the restores
    // below read that stream back.
    expect(base.parts.map((p) => p.sourceCompressed)).toEqual(['zstd']);
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
    // The restore runs the recovery itself; the cluster started after it finds it done.
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
      expect(stdout).toMatch(
        /^recovery: recovery stopping before commit of transaction \d+, time /m,
      );
      expect(stdout).toMatch(
        /^recovery: replay ended at [0-9A-F]+\/[0-9A-F]+; promoted to timeline 2$/m,
      );
      expect(stdout).toContain(
        'is ready: recovered, promoted and shut down cleanly (owned by postgres)',
      );
      found[name] = count;
    }
    expect(found).toEqual({ t1: 100, t2: 150, beforeDrop: 175 });
  }, 180_000);

  it('restores to latest: the end of the archive, after the DROP', async () => {
    const { stdout, count } = await restoreTo('latest', 'latest');
    expect(stdout).toContain('recovery: reached the end of the WAL archive');
    expect(count).toBe('absent');
  }, 60_000);

  it('without the server binaries, builds the directory and says in one line why it did not recover', async () => {
    const noServer = join(dir, 'no-server-bin');
    await mkdir(noServer);
    const target = join(dir, 'manual', 'data');
    const result = await runCli(
      ['backup', 'restore', '--to-time', marks.t1.at, '--target', target],
      {
        AIDB_BACKUP_REPOSITORY: repositoryDir,
        AIDB_BACKUP_IDENTITY_FILE: identityFile,
        AIDB_BACKUP_PG_BIN_DIR: noServer,
      },
      60_000,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `recovery not run here: the PostgreSQL server binary postgres is not in ${noServer}; set AIDB_BACKUP_PG_BIN_DIR (backups.postgresBinDir)`,
    );
    expect(result.stdout).toContain(`start PostgreSQL on ${target}`);
    expect(result.stdout).not.toContain('recovery: ');
    // The directory still recovers when started by hand, to T1 as asked.
    const cluster = await startRecovered(target);
    try {
      const [row] = await query<{ n: string }>(
        cluster.url('app'),
        'SELECT count(*) AS n FROM items',
      );
      expect(Number(row?.n)).toBe(100);
    } finally {
      await cluster.stop();
    }
  }, 90_000);

  it('refuses a base backup before streaming it when the role may not write restore points', async () => {
    await query(server.url, 'CREATE ROLE aidb_nogrant LOGIN REPLICATION');
    const url = server.urlFor('app').replace('postgres@', 'aidb_nogrant@');
    const driver = createBaseBackupDriver({
      connection: { url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
    });
    const { engine: denied } = testEngine({
      dir: join(dir, 'denied'),
      drivers: { postgres: driver },
      keys,
    });
    const outcome = await denied.run('postgres', new AbortController().signal);
    expect(outcome.status === 'failure' && [outcome.reason, outcome.error.message]).toEqual([
      'dump_failed',
      'backups: role aidb_nogrant may not write restore points, which base backups need for exact row counts; as a superuser: GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO aidb_nogrant',
    ]);
  });

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

  describe('level 2 of the base chain (a private server recovers it in a scratch directory)', () => {
    async function verify2(): Promise<Verification> {
      const outcome = await engine.verify(base.id, '2', new AbortController().signal);
      if (outcome.status !== 'done') throw new Error(`verify skipped: ${JSON.stringify(outcome)}`);
      return outcome.verification;
    }

    const scratchLeftovers = async (): Promise<string[]> =>
      (await readdir(dir)).filter((name) => name.startsWith('aidb_verify_pg_'));

    /** A segment after the one holding the restore point and before the newest: mid-chain. */
    async function midChainSegment(): Promise<string> {
      const point = parseSegment(base.wal?.stopSegment ?? '')?.number ?? 0;
      const numbers = (await archive.list()).entries
        .map((e) => parseSegment(e.name))
        .filter((segment) => segment !== undefined && segment.number > point + 1)
        .sort((a, b) => (a?.number ?? 0) - (b?.number ?? 0));
      const middle = numbers.at(-2);
      if (middle === undefined) throw new Error('the drill archived too few segments');
      return middle.name;
    }

    /** Runs `change`, then puts the files back as they were, whatever happened. */
    async function withChanged(
      files: readonly string[],
      change: () => Promise<void>,
      check: () => Promise<void>,
    ): Promise<void> {
      for (const file of files) await copyFile(file, `${file}.saved`);
      try {
        await change();
        await check();
      } finally {
        for (const file of files) await copyFile(`${file}.saved`, file);
        for (const file of files) await rm(`${file}.saved`);
      }
    }

    it("passes after the drill's writes: counts match at the restore point and replay reaches the newest segment", async () => {
      expect(base.wal?.restorePoint?.name).toMatch(/^aidb_base_[0-9a-f]{12}$/);
      expect(base.parts[0]?.rowCounts['public.items']).toBe(0);
      expect(base.parts[0]?.rowCounts['public.notes']).toBeGreaterThan(0);
      const verification = await verify2();
      expect([verification.level, verification.ok, verification.detail]).toEqual([
        '2',
        true,
        undefined,
      ]);
      expect(await scratchLeftovers()).toEqual([]);
    }, 120_000);

    it('fails naming the segment when one mid-chain is corrupted (same size, one byte changed)', async () => {
      const name = await midChainSegment();
      const file = join(repositoryDir, 'wal', `${name}.zst.age`);
      await withChanged(
        [file],
        async () => {
          const bytes = await readFile(file);
          const at = Math.floor(bytes.length / 2);
          bytes[at] = (bytes[at] ?? 0) ^ 0xff;
          await writeFile(file, bytes);
        },
        async () => {
          const verification = await verify2();
          expect([verification.ok, verification.reason]).toEqual([false, 'wal_replay_short']);
          expect(verification.detail).toMatch(
            /ended at [0-9A-F]+\/[0-9A-F]+, before the newest archived segment/,
          );
          expect(verification.detail).toContain(`WAL that could not be restored: ${name}:`);
        },
      );
      expect(await scratchLeftovers()).toEqual([]);
    }, 120_000);

    it('fails naming the segment when one mid-chain is missing', async () => {
      const name = await midChainSegment();
      const files = [`${name}.zst.age`, `${name}.json`].map((f) => join(repositoryDir, 'wal', f));
      await withChanged(
        files,
        async () => {
          for (const file of files) await rm(file);
        },
        async () => {
          const verification = await verify2();
          expect([verification.ok, verification.reason]).toEqual([false, 'wal_gap']);
          expect(verification.detail).toContain(`${name} missing`);
        },
      );
    }, 120_000);

    it('fails naming the table when a recorded count differs from the recovered one', async () => {
      const file = join(repositoryDir, `${base.id}.manifest.json`);
      await withChanged(
        [file],
        async () => {
          const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
          const [part] = manifest.parts;
          if (part !== undefined) part.rowCounts['public.items'] = 1;
          await writeFile(file, JSON.stringify(manifest, null, 2));
        },
        async () => {
          const verification = await verify2();
          expect([verification.ok, verification.reason]).toEqual([false, 'row_count_mismatch']);
          expect(verification.detail).toContain('public.items: expected 1, found 0');
          expect(verification.detail).toContain(
            `at restore point ${base.wal?.restorePoint?.name ?? ''}`,
          );
        },
      );
    }, 120_000);
  });
});
