/**
 * A PostgreSQL 15 cluster kept in a cache directory between benchmark runs, so a generated
 * gigabyte is made once. Started on a free loopback port, stopped (not deleted) at the end.
 * As root, the cluster belongs to `postgres`, as initdb requires.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binaries, binaryPath } from '../test/support/binaries.ts';
import { freePort } from '../test/support/ports.ts';

const run = promisify(execFile);

async function asOwner(command: string, args: readonly string[]): Promise<void> {
  if (process.getuid?.() === 0) {
    await run(binaryPath(binaries.runuser), ['-u', 'postgres', '--', command, ...args], {
      maxBuffer: 1 << 24,
    });
  } else {
    await run(command, args, { maxBuffer: 1 << 24 });
  }
}

export interface CachedCluster {
  readonly url: (database: string) => string;
  /** True when the cluster was created in this run (nothing cached). */
  readonly fresh: boolean;
  stop(): Promise<void>;
}

export async function startCachedCluster(
  root: string,
  regenerate: boolean,
): Promise<CachedCluster> {
  const dataDir = join(root, 'data');
  if (regenerate) await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(root, Number(uid), Number(gid));
  }
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    await asOwner(binaryPath(binaries.initdb), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-instructions',
    ]);
  }
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    '-c shared_buffers=256MB',
    '-c max_wal_size=4GB',
  ].join(' ');
  await asOwner(binaryPath(binaries.pgCtl), [
    'start',
    '-D',
    dataDir,
    '-w',
    '-t',
    '120',
    '-l',
    join(root, 'server.log'),
    '-o',
    options,
  ]);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    fresh,
    stop: () => asOwner(binaryPath(binaries.pgCtl), ['stop', '-D', dataDir, '-m', 'fast', '-w']),
  };
}
