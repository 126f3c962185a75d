import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { pgBin, scratchDir, seedServiceDatabase } from './fixtures.ts';

/** An identity file as Debian's `age-keygen -o` writes it, and its public key. */
function ageKeygen(path: string): { file: string; recipient: string } {
  execFileSync(binaryPath(binaries.ageKeygen), ['-o', path], { stdio: 'pipe' });
  const file = execFileSync('cat', [path], { encoding: 'utf8' });
  const recipient = /^# public key: (age1\w+)$/m.exec(file)?.[1] ?? '';
  return { file, recipient };
}

describe('age identity files made by age-keygen (Debian age)', () => {
  let server: PostgresServer;
  let dir: string;
  let base: Record<string, string>;
  let right: { path: string; file: string; recipient: string };
  let wrong: { path: string; file: string; recipient: string };
  let id: string;

  const manifestOf = async (backup: string) =>
    JSON.parse(await readFile(join(dir, 'repo', `${backup}.manifest.json`), 'utf8')) as {
      verifications: unknown[];
    };
  const stateOf = async (env: Record<string, string>) => {
    const listed = await runCli(['backup', 'list'], env);
    return listed.stdout
      .split('\n')
      .find((line) => line.startsWith(id))
      ?.split(/\s{2,}/)[6];
  };

  beforeAll(async () => {
    server = await startPostgres();
    await seedServiceDatabase(await server.createDatabase('source'), {
      collections: 1,
      documents: 10,
      chunks: 1,
    });
    dir = await scratchDir('identity-files');
    right = { path: join(dir, 'key.txt'), ...ageKeygen(join(dir, 'key.txt')) };
    wrong = { path: join(dir, 'other.txt'), ...ageKeygen(join(dir, 'other.txt')) };
    base = {
      AIDB_PROFILE: 'external',
      DATABASE_URL: server.urlFor('source'),
      AIDB_BACKUP_REPOSITORY: join(dir, 'repo'),
      AIDB_BACKUP_PG_BIN_DIR: pgBin,
      AIDB_LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await server.close();
  });

  it('backs up and verifies with AIDB_BACKUP_IDENTITY_FILE pointing at the file', async () => {
    expect(right.file).toMatch(/^# created: .*\n# public key: age1\w+\nAGE-SECRET-KEY-1\w+\n$/);
    const run = await runCli(
      ['backup', 'run', 'pg'],
      { ...base, AIDB_BACKUP_IDENTITY_FILE: right.path },
      60_000,
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    id = run.stdout.split(':')[0] ?? '';
    expect(id).toMatch(/^postgres-/);
    const manifest = JSON.parse(
      await readFile(join(dir, 'repo', `${id}.manifest.json`), 'utf8'),
    ) as { encryption: { recipients: string[] } };
    expect(manifest.encryption.recipients).toEqual([right.recipient]);
  });

  it('verifies with the file content in AIDB_BACKUP_IDENTITY, as a Kubernetes Secret from --from-file loads it', async () => {
    const verify = await runCli(['backup', 'verify', id], {
      ...base,
      AIDB_BACKUP_IDENTITY: right.file,
    });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`${id}: level 1 verification passed`);
  });

  it('takes a file of several identities with comments and blank lines, and finds the one that opens it', async () => {
    const several = join(dir, 'several.txt');
    await writeFile(several, `${wrong.file}\n\n# the backup key\n${right.file}\r\n`);
    const verify = await runCli(['backup', 'verify', id], {
      ...base,
      AIDB_BACKUP_IDENTITY_FILE: several,
    });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`${id}: level 1 verification passed`);
  });

  it('refuses a file with a line that is not an identity at load: exit 78, the line number, no secret', async () => {
    const broken = join(dir, 'broken.txt');
    const secret = right.file.split('\n')[2] ?? '';
    await writeFile(broken, `${right.file}${secret.slice(0, 30)}\n`);
    const { code, stderr } = await runCli(['backup', 'list'], {
      ...base,
      AIDB_BACKUP_IDENTITY_FILE: broken,
    });
    expect({ code, stderr }).toEqual({
      code: 78,
      stderr:
        'aidb: config: invalid configuration (1 problem):\n' +
        `  - backups.identity: line 4 is not an age X25519 identity (AGE-SECRET-KEY-1…) (from env AIDB_BACKUP_IDENTITY_FILE)\n`,
    });
  });

  it('a wrong key says which recipient the backup needs, and leaves the backup verified', async () => {
    const before = (await manifestOf(id)).verifications.length;
    const env = { ...base, AIDB_BACKUP_IDENTITY_FILE: wrong.path };
    const verify = await runCli(['backup', 'verify', id], env);
    expect({ code: verify.code, stderr: verify.stderr }).toEqual({
      code: 1,
      stderr: `aidb: backups: ${id} is encrypted to ${right.recipient}; no configured identity (${wrong.recipient}) is one of its recipients: set AIDB_BACKUP_IDENTITY or AIDB_BACKUP_IDENTITY_FILE to its identity (nothing was recorded)\n`,
    });
    expect((await manifestOf(id)).verifications).toHaveLength(before);
    expect(await stateOf(env)).toBe('verified');
    const restore = await runCli(['backup', 'verify', id, '--restore'], env, 60_000);
    expect(restore.code).toBe(1);
    expect((await manifestOf(id)).verifications).toHaveLength(before);
  });
});
