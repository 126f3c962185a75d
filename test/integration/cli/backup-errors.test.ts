import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { runCli } from '../../support/cli.ts';
import { freePort } from '../../support/ports.ts';

let dir: string;
let identity: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-backup-errors-'));
  identity = await generateX25519Identity();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An external profile whose PostgreSQL nobody listens for. */
async function external(env: Record<string, string> = {}) {
  const port = await freePort();
  return {
    port,
    env: {
      AIDB_DATA_DIR: dir,
      AIDB_PROFILE: 'external',
      DATABASE_URL: `postgres://aidb@127.0.0.1:${String(port)}/aidb`,
      AIDB_BACKUP_IDENTITY: identity,
      ...env,
    },
  };
}

describe('aidb backup errors say what to do', () => {
  it('`backup run` without a key exits 78 naming the _FILE setting and age-keygen', async () => {
    const { code, stdout, stderr } = await runCli(['backup', 'run'], { AIDB_DATA_DIR: dir });
    expect({ code, stdout }).toEqual({ code: 78, stdout: '' });
    expect(stderr).toBe(
      'aidb: backup run: no age key to encrypt to; make one with `age-keygen -o /etc/aidb/backup.key` and set AIDB_BACKUP_IDENTITY_FILE=/etc/aidb/backup.key (keep a copy elsewhere: without it no backup can be restored), or set AIDB_BACKUP_RECIPIENTS to public keys (age1…)\n',
    );
  });

  it('refuses a PostgreSQL bin directory that is not there when the configuration loads', async () => {
    const missing = join(dir, 'no-such-bin');
    const { code, stderr } = await runCli(['backup', 'list'], {
      AIDB_DATA_DIR: dir,
      AIDB_BACKUP_PG_BIN_DIR: missing,
    });
    expect(code).toBe(78);
    expect(stderr).toContain(
      `backups.postgresBinDir: ${missing} is not a directory (from env AIDB_BACKUP_PG_BIN_DIR); point it at the directory holding pg_dump and pg_restore`,
    );
  });

  it('names the package or setting when pg_dump is not on PATH', async () => {
    const { env } = await external({ PATH: dir });
    const { code, stderr } = await runCli(['backup', 'run'], env);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "backups: pg_dump not found on PATH; install postgresql-client-15 (or the server's newer major version) or set AIDB_BACKUP_PG_BIN_DIR to the directory that holds it",
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names host, port and cause when PostgreSQL cannot be reached', async () => {
    const { env, port } = await external({
      AIDB_BACKUP_PG_BIN_DIR: dirname(binaryPath(binaries.pgCtl)),
    });
    const { code, stderr } = await runCli(['backup', 'run'], env);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `cannot connect to PostgreSQL database aidb at 127.0.0.1:${String(port)} (connect ECONNREFUSED 127.0.0.1:${String(port)})`,
    );
  });
});
