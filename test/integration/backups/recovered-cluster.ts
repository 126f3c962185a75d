import { execFile } from 'node:child_process';
import { chown, chmod, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { freePort } from '../../support/ports.ts';
import { waitFor } from '../../support/wait.ts';

const run = promisify(execFile);

/** `chown -R postgres` when running as root: the server and its restore_command run as postgres. */
export async function giveToServerUser(...paths: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const path of paths) await run('chown', ['-R', 'postgres:postgres', path]);
}

async function asOwner(command: string, args: readonly string[]): Promise<void> {
  const [file, argv] =
    process.getuid?.() === 0
      ? [binaryPath(binaries.runuser), ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
  await run(file, argv, { timeout: 120_000 });
}

export interface RecoveredCluster {
  readonly url: (database: string) => string;
  readonly log: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL on a data directory `aidb backup restore --to-time` built, waits until
 * recovery ended and the server promoted, and returns how to reach it.
 */
export async function startRecovered(dataDir: string): Promise<RecoveredCluster> {
  const port = await freePort();
  const socketDir = dirname(dataDir);
  await chmod(dataDir, 0o700);
  await giveToServerUser(dataDir);
  if (process.getuid?.() === 0) await chown(socketDir, 0, 0).catch(() => undefined);
  await giveToServerUser(socketDir);
  const log = join(socketDir, `${port}.log`);
  const pgCtl = binaryPath(binaries.pgCtl);
  const started = asOwner(pgCtl, [
    'start',
    '-D',
    dataDir,
    '-w',
    '-t',
    '90',
    '-l',
    log,
    '-o',
    `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
  ]);
  await started.catch(async (error: unknown) => {
    const tail = (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    throw new Error(`the recovered cluster did not start; its log ends:\n${tail}`, {
      cause: error,
    });
  });
  const url = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  await waitFor(
    'the recovered cluster to promote',
    async () => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
        return rows[0]?.r === false;
      } finally {
        await client.end();
      }
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
  return {
    url,
    log,
    async stop() {
      await asOwner(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
    },
  };
}
