/**
 * The repository lock: one run, verification, prune or restore at a time. The lock is a file
 * created with `link()` (atomic, fails if it exists) holding the owner's host, pid and process
 * start time. A lock whose owner is gone, on this host, is stale and taken over; a live owner's
 * lock (this process included) is respected. Locks of other hosts are never broken: a shared
 * repository needs the operator to remove them.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

export interface LockOwner {
  readonly host: string;
  readonly pid: number;
  /** Process start in clock ticks since boot (/proc/<pid>/stat field 22): tells pid reuse apart. */
  readonly processStart: string;
  readonly since: string;
  readonly purpose: string;
}

export type LockAttempt =
  | { readonly acquired: true; readonly staleOwner?: LockOwner; release(): Promise<void> }
  | { readonly acquired: false; readonly owner: LockOwner | undefined };

async function processStart(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; starttime is field 22 overall.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function isAlive(owner: LockOwner): Promise<boolean> {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = await processStart(owner.pid);
  return start === undefined || start === owner.processStart;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export async function acquireLock(path: string, purpose: string): Promise<LockAttempt> {
  const owner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    processStart: (await processStart(process.pid)) ?? '',
    since: new Date().toISOString(),
    purpose,
  };
  const candidate = join(dirname(path), `.lock-${randomUUID()}`);
  await writeFile(candidate, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  let staleOwner: LockOwner | undefined;
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await link(candidate, path);
        const release = async (): Promise<void> => {
          await unlink(path).catch(() => undefined);
        };
        return staleOwner === undefined
          ? { acquired: true, release }
          : { acquired: true, staleOwner, release };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await readOwner(path);
      const stale =
        current !== undefined && current.host === owner.host && !(await isAlive(current));
      if (!stale) return { acquired: false, owner: current };
      // Two processes that both find the same stale lock could each remove it; the window (a
      // read and a rename) exists only after a crash, and the loser then fails its link().
      staleOwner = current;
      await rename(path, `${candidate}.stale`).catch(() => undefined);
      await unlink(`${candidate}.stale`).catch(() => undefined);
    }
    return { acquired: false, owner: await readOwner(path) };
  } finally {
    await unlink(candidate).catch(() => undefined);
  }
}
