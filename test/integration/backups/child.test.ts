import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChild } from '../../../backups/child.ts';
import type { ManifestPart } from '../../../backups/manifest.ts';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';

/** 8 MiB in 64 KiB chunks: far more than a pipe buffer holds. */
function bigInput(): Readable {
  return Readable.from(Array.from({ length: 128 }, (_, i) => Buffer.alloc(65_536, i)));
}

const env = { PATH: process.env.PATH ?? '' };

describe('child processes of a backup', () => {
  it('a child that stops reading early and exits 0 does not fail the stream feeding it', async () => {
    const child = runChild({
      command: 'sh',
      args: ['-c', 'head -c 1000 > /dev/null'],
      env,
      reason: 'verify_failed',
    });
    await pipeline(bigInput(), child.stdin);
    await expect(child.done).resolves.toBeUndefined();
  });

  it('a child that fails is reported with its status and the end of its stderr', async () => {
    const child = runChild({
      command: 'sh',
      args: [
        '-c',
        'head -c 10 > /dev/null; echo "pg_restore: error: could not read input file" >&2; exit 1',
      ],
      env,
      reason: 'verify_failed',
    });
    await pipeline(bigInput(), child.stdin);
    await expect(child.done).rejects.toMatchObject({
      reason: 'verify_failed',
      message: 'backups: sh exited with status 1: pg_restore: error: could not read input file',
    });
  });

  it('cancelling kills the whole process group and reports cancelled', async () => {
    const controller = new AbortController();
    // The grandchild `sleep` would outlive a kill of `sh` alone.
    const child = runChild({
      command: 'sh',
      args: ['-c', 'sleep 600; true'],
      env,
      reason: 'dump_failed',
      signal: controller.signal,
    });
    child.stdin.end();
    controller.abort();
    await expect(child.done).rejects.toMatchObject({ reason: 'cancelled' });
  });

  it('a program that cannot start is reported with the reason given', async () => {
    const child = runChild({
      command: '/nonexistent/pg_dump',
      args: [],
      env,
      reason: 'dump_failed',
    });
    await expect(child.done).rejects.toMatchObject({
      reason: 'dump_failed',
      message: 'backups: cannot run pg_dump: spawn /nonexistent/pg_dump ENOENT',
    });
  });

  it('a missing pg_restore is one line naming the package and the setting', async () => {
    const binDir = await mkdtemp(join(tmpdir(), 'aidb-empty-bin-'));
    try {
      const driver = createPostgresDriver({
        connection: { url: 'postgres://aidb@127.0.0.1:1/aidb', binDir },
        scratchPrefix: 'aidb_scratch_',
      });
      const reader = driver.archiveReader({} as ManifestPart, new AbortController().signal);
      await expect(reader.done).rejects.toMatchObject({
        message: `backups: pg_restore not found in ${binDir} (AIDB_BACKUP_PG_BIN_DIR); install postgresql-client-15 (or the server's newer major version) or set AIDB_BACKUP_PG_BIN_DIR to the directory that holds it`,
      });
    } finally {
      await rm(binDir, { recursive: true, force: true });
    }
  });
});
