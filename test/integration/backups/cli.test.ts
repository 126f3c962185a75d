import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { generateKeys, pgBin, scratchDir, seedServiceDatabase, tableCounts } from './fixtures.ts';

describe('aidb backup on the command line', () => {
  let server: PostgresServer;
  let env: Record<string, string>;
  let repository: string;
  let id: string;

  beforeAll(async () => {
    server = await startPostgres();
    await seedServiceDatabase(await server.createDatabase('source'), {
      collections: 2,
      documents: 30,
      chunks: 2,
    });
    repository = join(await scratchDir('cli'), 'repo');
    env = {
      AIDB_PROFILE: 'external',
      DATABASE_URL: server.urlFor('source'),
      AIDB_BACKUP_REPOSITORY: repository,
      AIDB_BACKUP_IDENTITY: (await generateKeys()).identity,
      AIDB_BACKUP_PG_BIN_DIR: pgBin,
      AIDB_LOG_LEVEL: 'warn',
    };
    const run = await runCli(['backup', 'run', 'pg'], env, 60_000);
    if (run.code !== 0) throw new Error(`backup run failed: ${run.stderr}`);
    id = run.stdout.split(':')[0] ?? '';
  });

  afterAll(async () => {
    await server.close();
  });

  it('run prints the new backup and exits 0', () => {
    expect(id).toMatch(/^postgres-\d{8}T\d{9}Z$/);
  });

  it('on a terminal shows progress that ends at 100 % and is cleared, the summary, and no JSON', async () => {
    // `script` gives the command a real terminal, as a person at a shell has.
    const { AIDB_LOG_LEVEL: _level, ...terminalEnv } = env;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'script',
        ['-qec', `'${process.execPath}' '${cliPath}' backup verify ${id}`, '/dev/null'],
        { env: { PATH: process.env.PATH ?? '', ...terminalEnv } },
        (error, stdout) => {
          if (error === null) resolve(stdout);
          else reject(new Error(`script: ${error.message}`, { cause: error }));
        },
      );
    });
    const clear = '\r\u001b[2K';
    const progress = output.split(clear).filter((part) => part.includes('%)'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/^verify .*\(100%\)/);
    const afterProgress = output.slice(output.lastIndexOf(clear) + clear.length);
    expect(afterProgress).toMatch(new RegExp(`^${id}: level 1 verification passed: .* read in `));
    expect(output).not.toContain('{"level"');
  });

  it('list prints a table with the backup verified at level 1', async () => {
    const { code, stdout } = await runCli(['backup', 'list'], env);
    expect(code).toBe(0);
    const [header, row, ...rest] = stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'TARGET',
      'STARTED',
      'DURATION',
      'DUMP',
      'STORED',
      'STATE',
      'LEVEL 1',
      'LEVEL 2',
    ]);
    expect(row?.split(/\s{2,}/).filter((_, i) => [0, 1, 6, 8].includes(i))).toEqual([
      id,
      'postgres',
      'verified',
      '-',
    ]);
    expect(rest).toEqual([]);
  });

  it('verify --restore passes level 2 and exits 0', async () => {
    const { code, stdout } = await runCli(['backup', 'verify', id, '--restore'], env, 60_000);
    expect([code, stdout]).toEqual([
      0,
      expect.stringMatching(
        new RegExp(
          `^${id}: level 2 verification passed: \\S+ \\S+ read in \\d+\\.\\d s \\(.+/s\\)\\n$`,
        ),
      ),
    ]);
  });

  it('restore --target creates the database and says what it did', async () => {
    const { code, stdout } = await runCli(
      ['backup', 'restore', id, '--target', 'copy'],
      env,
      60_000,
    );
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'created database copy',
      `restored ${id}.dump.zst.age into database copy`,
      'checked row counts of 5 tables against the manifest',
    ]);
    expect(await tableCounts(server.urlFor('copy'))).toEqual(
      await tableCounts(server.urlFor('source')),
    );
  });

  it('restore refuses a non-empty target with exit 1 and a reason', async () => {
    const { code, stderr } = await runCli(
      ['backup', 'restore', id, '--target', 'copy'],
      env,
      60_000,
    );
    expect([code, stderr]).toEqual([
      1,
      `aidb: restore of ${id} failed: backups: database copy exists and has tables; use --force to restore over it\n`,
    ]);
  });

  it('restore without --target is a usage error', async () => {
    const { code, stderr } = await runCli(['backup', 'restore', id], env);
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--target <destination>' not specified");
  });

  it('prune --dry-run prints the plan and deletes nothing', async () => {
    const { code, stdout } = await runCli(['backup', 'prune', '--dry-run'], env);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['ID', 'TARGET', 'ACTION', 'REASONS'],
      [id, 'postgres', 'keep', 'newest_verified, min_verified, daily, weekly, monthly'],
      ['dry run: nothing deleted'],
    ]);
  });

  it('a busy repository exits 75 and names the holder', async () => {
    // This very test process holds it: alive, same pid and start time (/proc stat field 22).
    const stat = await readFile('/proc/self/stat', 'utf8');
    const owner = {
      host: hostname(),
      pid: process.pid,
      processStart: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
      since: '2026-01-01T00:00:00.000Z',
      purpose: 'backup postgres',
    };
    await writeFile(join(repository, '.lock'), JSON.stringify(owner));
    try {
      const { code, stderr } = await runCli(['backup', 'run'], env);
      expect([code, stderr.trimEnd().split('\n').at(-1)]).toEqual([
        75,
        `aidb: the backup repository is busy: pid ${process.pid} (backup postgres, since 2026-01-01T00:00:00.000Z); nothing was done`,
      ]);
    } finally {
      await rm(join(repository, '.lock'));
    }
    expect((await readdir(repository)).filter((n) => n.endsWith('.manifest.json'))).toHaveLength(1);
  });

  it('an unknown backup id fails with exit 1 and names the repository', async () => {
    const { code, stderr } = await runCli(
      ['backup', 'verify', 'postgres-20200101T000000000Z'],
      env,
    );
    expect([code, stderr]).toEqual([
      1,
      `aidb: backups: no backup postgres-20200101T000000000Z in ${repository}\n`,
    ]);
  });

  it('a repository path that does not exist fails with exit 1 and names the setting', async () => {
    const missing = join(repository, 'no-such-dir');
    const { code, stderr } = await runCli(['backup', 'list', '--repository', missing], env);
    expect([code, stderr]).toEqual([
      1,
      `aidb: backups: no backup repository at ${missing}; set AIDB_BACKUP_REPOSITORY (or pass --repository) to where the backups are\n`,
    ]);
  });

  it('a target that is not configured is a usage error', async () => {
    const { code, stderr } = await runCli(['backup', 'run', 'qdrant'], env);
    expect([code, stderr]).toEqual([
      2,
      'aidb: backup target qdrant is not configured (configured: postgres)\n',
    ]);
  });

  // Last: its extra backup would change what the tests above see.
  it('verify, prune and run print their documented JSON shapes with --json', async () => {
    const verify = await runCli(['backup', 'verify', id, '--json'], env);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ id, level: '1', ok: true, reason: null });
    const prune = await runCli(['backup', 'prune', '--dry-run', '--json'], env);
    expect(prune.code).toBe(0);
    expect(Object.keys(JSON.parse(prune.stdout))).toEqual([
      'dry_run',
      'decisions',
      'blocked',
      'deleted',
    ]);
    expect(JSON.parse(prune.stdout)).toMatchObject({ dry_run: true, deleted: [] });
    const run = await runCli(['backup', 'run', 'pg', '--json'], env, 60_000);
    expect(run.code).toBe(0);
    const [result] = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(Object.keys(result ?? {})).toEqual([
      'target',
      'status',
      'id',
      'plain_bytes',
      'stored_bytes',
      'duration_seconds',
      'reason',
      'error',
    ]);
    expect(result).toMatchObject({ target: 'postgres', status: 'success', error: null });
  });
});
