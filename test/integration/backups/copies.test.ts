import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { freePort } from '../../support/ports.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startS3Server, type S3Server } from '../../support/s3-server.ts';
import {
  generateKeys,
  pgBin,
  scratchDir,
  seedServiceDatabase,
  tableCounts,
  type Keys,
} from './fixtures.ts';

describe('copies elsewhere: another volume and S3 (s3rver), restore when the primary is gone', () => {
  let server: PostgresServer;
  let s3: S3Server;
  let keys: Keys;
  let dir: string;
  let primary: string;
  let volume: string;
  let env: Record<string, string>;
  let id: string;

  const writeConfig = async (name: string, copies: unknown[]): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify({ backups: { postgresBinDir: pgBin, copies } }));
    return path;
  };

  beforeAll(async () => {
    server = await startPostgres();
    await seedServiceDatabase(await server.createDatabase('source'), {
      collections: 2,
      documents: 20,
      chunks: 2,
    });
    s3 = await startS3Server();
    keys = await generateKeys();
    dir = await scratchDir('copies');
    primary = join(dir, 'primary');
    volume = join(dir, 'other-volume');
    env = {
      ...s3.env,
      AIDB_PROFILE: 'external',
      DATABASE_URL: server.urlFor('source'),
      AIDB_BACKUP_REPOSITORY: primary,
      AIDB_BACKUP_IDENTITY: keys.identity,
      AIDB_DATA_DIR: join(dir, 'data'),
      AIDB_CONFIG: await writeConfig('aidb.json', [
        { kind: 'path', name: 'volume', path: volume },
        {
          kind: 's3',
          name: 'offsite',
          bucket: s3.bucket,
          prefix: 'aidb/',
          endpoint: s3.endpoint,
          forcePathStyle: true,
        },
      ]),
    };
    const run = await runCli(['backup', 'run', 'pg', '--json'], env, 60_000);
    if (run.code !== 0) throw new Error(`backup failed: ${run.stderr}`);
    id = (JSON.parse(run.stdout) as { id: string }[])[0]?.id ?? '';
  }, 120_000);

  afterAll(async () => {
    await s3.close();
    await server.close();
  });

  it('copies the backup to both, verified, and a second sync copies nothing', async () => {
    const sync = await runCli(['backup', 'copy'], env);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toContain('copy volume: up to date (0 files copied');
    expect(sync.stdout).toContain('copy offsite: up to date (0 files copied');
    expect((await readdir(volume)).filter((n) => !n.startsWith('.')).sort()).toEqual([
      `${id}.dump.zst.age`,
      `${id}.manifest.json`,
    ]);
  });

  it('restores from the volume copy and from S3 after the primary repository is deleted', async () => {
    await rm(primary, { recursive: true, force: true });
    const source = await tableCounts(server.urlFor('source'));
    const fromVolume = await runCli(
      ['backup', 'restore', id, '--target', 'from_volume', '--repository', volume],
      env,
      60_000,
    );
    expect(fromVolume.code).toBe(0);
    expect(await tableCounts(server.urlFor('from_volume'))).toEqual(source);
    const fromS3 = await runCli(
      ['backup', 'restore', id, '--target', 'from_s3', '--repository', `s3://${s3.bucket}/aidb/`],
      env,
      60_000,
    );
    expect(fromS3.stderr).toMatch(/downloaded 2 files of s3:\/\/aidb-copies\/aidb\//);
    expect(fromS3.code).toBe(0);
    expect(await tableCounts(server.urlFor('from_s3'))).toEqual(source);
    const verify = await runCli(['backup', 'verify', id, '--repository', volume], env);
    expect(verify.code).toBe(0);
  }, 120_000);

  it('a copy that is down never blocks the primary backup: it is written, and the copy failure reported', async () => {
    const closed = await freePort();
    const downEnv = {
      ...env,
      AIDB_BACKUP_REPOSITORY: join(dir, 'primary-2'),
      AIDB_CONFIG: await writeConfig('down.json', [
        {
          kind: 's3',
          name: 'down',
          bucket: s3.bucket,
          endpoint: `http://127.0.0.1:${String(closed)}`,
          forcePathStyle: true,
        },
      ]),
    };
    const run = await runCli(['backup', 'run', 'pg'], downEnv, 90_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/copy down failed/);
    const written = (await readdir(join(dir, 'primary-2'))).filter((n) =>
      n.endsWith('.manifest.json'),
    );
    expect(written).toHaveLength(1);
  }, 120_000);
});
