/**
 * Level 2 of a base backup and the WAL after it: extract the base into a scratch directory,
 * recover it with a private server (recover.ts) twice, then remove the directory.
 *  1. to the base's restore point, paused there: its row counts must equal the manifest's, which
 *     were taken exactly at that point (postgres/restore-point.ts);
 *  2. on to the end of the archive: replay must reach the newest archived segment, so a
 *     corrupted or missing segment anywhere after the base is found.
 * Recovery targets are PostgreSQL start-up settings, hence two runs on one directory: the second
 * resumes where the first stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { compareRowCounts, type Feed } from '../driver.ts';
import { BackupError, checkFailed } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { databaseOf, type PostgresConnection } from '../postgres/connection.ts';
import { extractBase } from '../postgres/extract-base.ts';
import { countRows } from '../postgres/row-counts.ts';
import type { WalArchive } from '../wal/archive.ts';
import { parseLsn, parseSegment, segmentBytes } from '../wal/segments.ts';
import { planRestore } from './plan.ts';
import { findServerBinary, giveTo, missingServer } from './private-server.ts';
import { pausedAtTarget, promoted, runRecovery } from './recover.ts';
import { resolveServerUser, type ServerUser } from './server-user.ts';

export interface BaseVerifyOptions {
  readonly archive: WalArchive;
  readonly binDir: string | undefined;
  /** `backups.pitr.serverUser`: who runs the server when this process is root. */
  readonly serverUser: string;
  /** Parent of the scratch directories; the server user must be able to enter it. */
  readonly scratchDir: string;
  readonly prefix: string;
  /** Role and database the counts were taken with. */
  readonly connection: PostgresConnection;
}

const scratchInfix = 'pg_';

async function newestAfter(manifest: Manifest, archive: WalArchive): Promise<string | undefined> {
  const { entries, problems } = await archive.list();
  if (problems.length > 0) throw checkFailed('wal_unreadable', problems.join('; '));
  const planned = planRestore([manifest], new Set(), entries, { kind: 'latest' });
  if (!planned.ok) throw checkFailed('wal_gap', planned.problem);
  return planned.plan.newestSegment;
}

async function countAt(host: string, port: number, options: BaseVerifyOptions) {
  const client = new pg.Client({
    host,
    port,
    user: decodeURIComponent(new URL(options.connection.url).username) || undefined,
    database: databaseOf(options.connection),
  });
  await client.connect();
  try {
    return await countRows(client);
  } finally {
    await client.end();
  }
}

/** The server binary and who runs it; a one-line error naming the setting when either is missing. */
export async function level2Server(
  options: Pick<BaseVerifyOptions, 'binDir' | 'serverUser'>,
): Promise<{ readonly binary: string; readonly user: ServerUser | undefined }> {
  const binary = await findServerBinary(options.binDir);
  if (binary === undefined)
    throw new BackupError(
      'other',
      `backups: level 2 of a base backup needs ${missingServer(options.binDir)}`,
    );
  return { binary, user: await resolveServerUser(options.serverUser) };
}

export async function verifyBaseInScratch(
  manifest: Manifest,
  feed: Feed,
  signal: AbortSignal,
  options: BaseVerifyOptions,
): Promise<Record<string, number>[]> {
  const point = manifest.wal?.restorePoint;
  if (point === undefined) {
    throw checkFailed(
      'no_restore_point',
      `${manifest.id} has no restore point for its row counts (taken by an older aidb); level 2 needs a newer base backup`,
    );
  }
  const { binary, user } = await level2Server(options);
  const newest = await newestAfter(manifest, options.archive);
  const root = join(
    options.scratchDir,
    `${options.prefix}${scratchInfix}${randomBytes(6).toString('hex')}`,
  );
  await mkdir(options.scratchDir, { recursive: true });
  await mkdir(root, { mode: 0o700 });
  try {
    await giveTo(user, root);
    const dataDir = join(root, 'data');
    const workDir = join(root, 'run');
    await mkdir(workDir, { mode: 0o700 });
    await extractBase(manifest, dataDir, feed, signal);
    await rm(join(dataDir, 'standby.signal'), { force: true });
    await writeFile(join(dataDir, 'recovery.signal'), '', { mode: 0o600 });
    const run = { binary, user, archive: options.archive, dataDir, workDir, signal };

    const expected = Object.assign({}, ...manifest.parts.map((p) => p.rowCounts)) as Record<
      string,
      number
    >;
    const first = await runRecovery(
      {
        ...run,
        settings: { recovery_target_name: point.name, recovery_target_action: 'pause' },
      },
      pausedAtTarget,
      (server) => countAt(server.host, server.port, options),
    ).catch((error: unknown) => {
      throw checkFailed(
        'wal_replay_failed',
        `recovery of ${manifest.id} to its restore point ${point.name} (${point.lsn}) failed: ${(error as Error).message.replace(/^backups: /, '')}`,
        error,
      );
    });
    compareRowCounts(
      expected,
      first.result,
      `the recovered ${manifest.id} at restore point ${point.name}`,
    );

    const second = await runRecovery({ ...run, settings: {} }, promoted, () =>
      Promise.resolve(undefined),
    ).catch((error: unknown) => {
      throw checkFailed(
        'wal_replay_failed',
        `recovery of ${manifest.id} to the end of the archive failed: ${(error as Error).message.replace(/^backups: /, '')}`,
        error,
      );
    });
    const segment = newest === undefined ? undefined : parseSegment(newest);
    const ended = second.end.redoDone;
    if (
      segment !== undefined &&
      (ended === undefined || parseLsn(ended) < segment.number * segmentBytes)
    ) {
      throw checkFailed(
        'wal_replay_short',
        `replay of ${manifest.id} ended at ${ended ?? 'an unknown position'}, before the newest archived segment ${segment.name}${second.failures.length === 0 ? '' : `; WAL that could not be restored: ${second.failures.join('; ')}`}`,
      );
    }
    return [first.result];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const isRunning = (pid: number): Promise<boolean> =>
  readFile(`/proc/${String(pid)}/stat`).then(
    () => true,
    () => false,
  );

/** A postmaster a crashed run left behind in `dir`: ask it to quit before the files go. */
async function stopOrphan(dir: string): Promise<void> {
  const pidFile = await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(pidFile.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => '');
  // A recycled pid is someone else's process: only one started on this directory is ours.
  if (!cmdline.includes(join(dir, 'data'))) return;
  process.kill(pid, 'SIGQUIT');
  // An immediate shutdown takes well under a second; ten is the most this waits.
  for (let n = 0; n < 100 && (await isRunning(pid)); n += 1) await sleep(100);
}

/** Removes scratch directories left by crashed runs; returns their names. */
export async function removeScratchLeftovers(
  scratchDir: string,
  prefix: string,
): Promise<string[]> {
  const names = (await readdir(scratchDir).catch(() => [] as string[])).filter((n) =>
    n.startsWith(`${prefix}${scratchInfix}`),
  );
  for (const name of names) {
    await stopOrphan(join(scratchDir, name));
    await rm(join(scratchDir, name), { recursive: true, force: true });
  }
  return names;
}
