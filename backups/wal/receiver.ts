/**
 * Continuous WAL archiving: `pg_receivewal` streams into a spool directory through a
 * replication slot (the server keeps every segment the slot has not confirmed, so a stopped or
 * killed agent loses nothing; it resumes where the spool or the slot says). Each segment
 * pg_receivewal completes (renamed from `.partial`) and each timeline history file is archived
 * (archive.ts) before it is removed from the spool; the newest completed segment stays, as
 * pg_receivewal's starting point. A segment is only ever counted once its entry exists.
 *
 * With little write traffic a segment can stay open for hours: every `switchIntervalMs`, when
 * rows changed since the last switch, the receiver closes it with `pg_switch_wal()`.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChild } from '../child.ts';
import {
  connectPostgres,
  libpqEnv,
  missingTool,
  pgTool,
  type PostgresConnection,
} from '../postgres/connection.ts';
import type { WalArchive, WalEntry } from './archive.ts';
import { isWalFileName, parseSegment, segmentBytes } from './segments.ts';

export interface WalReceiverOptions {
  readonly connection: PostgresConnection;
  readonly slot: string;
  readonly spoolDir: string;
  readonly archive: WalArchive;
  readonly logger: Logger;
  /** 0: never switch segments (the RPO is then a segment's worth of writes). */
  readonly switchIntervalMs: number;
  /** How often the spool is scanned for completed segments. */
  readonly pollMs?: number;
  /** Wait before pg_receivewal is started again after it stopped. */
  readonly restartDelayMs?: number;
  readonly onArchived?: (entry: WalEntry) => void;
  readonly onReceiverExit?: (error: Error) => void;
  readonly onStreaming?: (active: boolean) => void;
  /** Bytes of WAL the slot holds on the server, checked every `switchIntervalMs` (or 30 s). */
  readonly onSlotRetained?: (bytes: number) => void;
  /** Nothing written since the last switch and all of it archived: no write is at risk now. */
  readonly onQuiet?: (atMs: number) => void;
}

export interface WalReceiver {
  /** Archives what the spool holds now (the agent calls it at start, tests after a switch). */
  sweep(): Promise<readonly string[]>;
  /** Settles once stopped (the signal fired) and pg_receivewal has exited. */
  readonly done: Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * pg_receivewal runs for as long as the agent, in its own process group; if the agent is
 * SIGKILLed nothing would stop it, and the slot would stay taken by an orphan. This wrapper
 * stops it when its stdin (a pipe from the agent) closes, however the agent ended.
 */
const watchParent = [
  'exec 3<&0',
  'if ! command -v "$1" >/dev/null 2>&1; then echo "$1: not found" >&2; exit 127; fi',
  '"$@" </dev/null & child=$!',
  '{ read -r _ <&3; kill -TERM "$child" 2>/dev/null; } &',
  'watcher=$!',
  'wait "$child"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

async function receivewal(
  options: WalReceiverOptions,
  args: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  const program = pgTool(options.connection, 'pg_receivewal');
  const child = runChild({
    command: '/bin/sh',
    args: [
      '-c',
      watchParent,
      'pg_receivewal',
      program,
      '--no-password',
      `--slot=${options.slot}`,
      ...args,
    ],
    env: libpqEnv(options.connection),
    reason: 'other',
    signal,
    missing: missingTool(options.connection, 'pg_receivewal'),
  });
  // stdin stays open: it closing is how the wrapper learns that this process is gone.
  child.stdout.resume();
  try {
    await child.done;
  } finally {
    child.stdin.end();
  }
}

/**
 * pg_receivewal fills a new `.partial` file with zeros to the segment size before it writes any
 * WAL into it, and refuses to start next to one of another size. Killed while padding, it
 * leaves exactly that: a file holding no WAL, which is removed. A `.partial` of full size holds
 * received WAL and is kept (pg_receivewal resumes into it).
 */
async function dropHalfPadded(spoolDir: string, logger: Logger): Promise<void> {
  for (const name of await readdir(spoolDir)) {
    if (!name.endsWith('.partial') || parseSegment(name.slice(0, -'.partial'.length)) === undefined)
      continue;
    const { size } = await stat(join(spoolDir, name));
    if (size === 0 || size === segmentBytes) continue;
    await rm(join(spoolDir, name), { force: true });
    logger.warn(
      { file: name, bytes: size },
      'removed a WAL file pg_receivewal was still padding when it stopped',
    );
  }
}

export function startWalReceiver(options: WalReceiverOptions, signal: AbortSignal): WalReceiver {
  const { archive, logger, spoolDir } = options;
  // A function, not the property: TypeScript would narrow `signal.aborted` across awaits.
  const stopped = (): boolean => signal.aborted;
  let sweeping: Promise<readonly string[]> | undefined;

  async function sweepOnce(): Promise<readonly string[]> {
    const names = (await readdir(spoolDir)).filter(isWalFileName).sort();
    const archived: string[] = [];
    for (const name of names) {
      if (signal.aborted) break;
      if (await archive.has(name)) continue;
      const entry = await archive.put(join(spoolDir, name), name, signal);
      archived.push(name);
      options.onArchived?.(entry);
      logger.info({ wal: name }, 'WAL archived');
    }
    // Everything archived goes from the spool, except the newest segment: pg_receivewal starts
    // after the newest complete segment it finds there.
    const segments = names.filter((n) => parseSegment(n) !== undefined);
    const keep = segments.at(-1);
    for (const name of names) {
      if (name === keep || signal.aborted) continue;
      if (await archive.has(name)) await rm(join(spoolDir, name), { force: true });
    }
    return archived;
  }

  const sweep = (): Promise<readonly string[]> => {
    // One sweep at a time: the poller and a caller must not archive the same file twice over.
    const run = (sweeping ?? Promise.resolve([])).then(sweepOnce, sweepOnce);
    sweeping = run.catch(() => []);
    return run;
  };

  async function receiveLoop(): Promise<void> {
    // What a killed archiver left half-written in the archive's .tmp/ never counted; drop it.
    const removed = await archive.cleanup();
    if (removed.length > 0)
      logger.warn({ removed }, 'removed WAL files left by an interrupted run');
    while (!signal.aborted) {
      try {
        await dropHalfPadded(spoolDir, logger);
        await receivewal(options, ['--create-slot', '--if-not-exists'], signal);
        options.onStreaming?.(true);
        try {
          await receivewal(
            options,
            [`--directory=${spoolDir}`, '--no-loop', '--status-interval=1'],
            signal,
          );
        } finally {
          options.onStreaming?.(false);
        }
        if (!stopped()) throw new Error('backups: pg_receivewal stopped');
      } catch (error) {
        if (stopped()) break;
        logger.error({ err: error }, 'WAL streaming stopped; restarting');
        options.onReceiverExit?.(error as Error);
      }
      await sleep(options.restartDelayMs ?? 5_000, signal);
    }
  }

  async function pollLoop(): Promise<void> {
    while (!signal.aborted) {
      await sweep().catch((error: unknown) => {
        if (!signal.aborted) logger.error({ err: error }, 'WAL archiving failed; retrying');
      });
      await sleep(options.pollMs ?? 1_000, signal);
    }
  }

  /**
   * Every interval: the slot's retained WAL, and when rows changed since the last look, a
   * segment switch so the writes are archived within the RPO. When nothing changed and the
   * segment last switched is archived, the recovery point is now.
   */
  async function switchLoop(): Promise<void> {
    const interval = options.switchIntervalMs > 0 ? options.switchIntervalMs : 30_000;
    let changes: string | undefined;
    let lastSwitched: string | undefined;
    while (!stopped()) {
      await sleep(interval, signal);
      if (stopped()) break;
      try {
        const client = await connectPostgres(options.connection, 'other');
        try {
          const { rows: slot } = await client.query<{ bytes: string | null }>(
            'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text AS bytes FROM pg_replication_slots WHERE slot_name = $1',
            [options.slot],
          );
          if (slot[0]?.bytes != null) options.onSlotRetained?.(Number(slot[0].bytes));
          const { rows } = await client.query<{ n: string }>(
            'SELECT coalesce(sum(tup_inserted + tup_updated + tup_deleted), 0)::text AS n FROM pg_stat_database',
          );
          const now = rows[0]?.n;
          if (changes !== undefined && now !== changes && options.switchIntervalMs > 0) {
            const { rows: switched } = await client.query<{ name: string }>(
              'SELECT pg_walfile_name(pg_switch_wal()) AS name',
            );
            lastSwitched = switched[0]?.name;
            logger.debug('WAL segment switched for the RPO interval');
          } else if (
            changes !== undefined &&
            now === changes &&
            (lastSwitched === undefined || (await archive.has(lastSwitched)))
          ) {
            options.onQuiet?.(Date.now());
          }
          changes = now;
        } finally {
          await client.end().catch(() => undefined);
        }
      } catch (error) {
        logger.warn(
          { err: error },
          'could not check the slot or switch the WAL segment (grant EXECUTE ON FUNCTION pg_switch_wal, and pg_monitor)',
        );
      }
    }
  }

  const done = mkdir(spoolDir, { recursive: true, mode: 0o700 }).then(async () => {
    await Promise.all([receiveLoop(), pollLoop(), switchLoop()]);
  });
  return { sweep, done };
}
