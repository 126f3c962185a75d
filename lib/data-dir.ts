import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describeStartupFailure, StartupFailure } from './startup-failure.ts';

// Kernel filesystems that look like directories but store nothing (linux/magic.h). Node's
// recursive mkdir loops for ever under /proc (measured with Node 24), so these are refused
// before anything is created.
const virtualFilesystems: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x1cd1, 'devpts'],
]);

/** The directory itself if it exists, else its nearest existing ancestor. */
async function nearestExisting(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      await lstat(current);
      return current;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ENOENT' || dirname(current) === current) throw error;
    }
  }
}

async function attempt<T>(path: string, env: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw describeStartupFailure(error, { kind: 'dataDir', path, env }) ?? error;
  }
}

/**
 * Makes sure the data directory exists and takes files, before anything else touches it: on a
 * kernel filesystem, read-only, unwritable, a file, or full, a StartupFailure names `env`.
 */
export async function ensureDataDir(dataDir: string, env = 'AIDB_DATA_DIR'): Promise<void> {
  const path = resolve(dataDir);
  const existing = await attempt(path, env, () => nearestExisting(path));
  const { type } = await attempt(path, env, () => statfs(existing));
  const kernel = virtualFilesystems.get(type);
  if (kernel !== undefined) {
    throw new StartupFailure(
      'dataDirVirtual',
      `data directory ${path} is on ${kernel}, a kernel filesystem that stores nothing; set ${env} to a directory on a disk`,
    );
  }
  // One level at a time: a recursive mkdir reports ENOENT where the filesystem said EROFS.
  const missing: string[] = [];
  for (let dir = path; dir !== existing; dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) await attempt(path, env, () => mkdir(dir));
  if (missing.length === 0) await attempt(path, env, () => mkdir(path, { recursive: true }));
  const probe = join(path, `.aidb-write-check-${randomBytes(4).toString('hex')}`);
  await attempt(path, env, async () => {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  });
}
