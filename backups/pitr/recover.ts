/**
 * One run of a private server on a restored data directory (private-server.ts) with the WAL
 * archive served to its restore_command (wal-server.ts): start, wait for a log line, use it,
 * stop. What recovery said is returned; a server that exits first fails with its fatal line
 * and the WAL files that could not be delivered.
 */
import { join } from 'node:path';
import type { WalArchive } from '../wal/archive.ts';
import { parseRecoveryLog, type RecoveryEnd } from './recovery-log.ts';
import { startPrivateServer, type PrivateServer } from './private-server.ts';
import type { ServerUser } from './server-user.ts';
import { startWalServer } from './wal-server.ts';

export interface RecoveryRunOptions {
  readonly binary: string;
  readonly user: ServerUser | undefined;
  readonly archive: WalArchive;
  readonly dataDir: string;
  /** A directory of its own for the sockets and pg_hba.conf (short path). */
  readonly workDir: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

export const promoted = /database system is ready to accept connections/;
export const pausedAtTarget = /pausing at the end of recovery/;

export async function runRecovery<T>(
  options: RecoveryRunOptions,
  until: RegExp,
  use: (server: PrivateServer) => Promise<T>,
): Promise<{
  readonly result: T;
  readonly end: RecoveryEnd;
  /** WAL files the archive had but could not deliver (recovery took that as its end). */
  readonly failures: readonly string[];
}> {
  const wal = await startWalServer({
    archive: options.archive,
    socketPath: join(options.workDir, 'wal.sock'),
    dataDir: options.dataDir,
    user: options.user,
    signal: options.signal,
  });
  try {
    const server = await startPrivateServer({
      binary: options.binary,
      dataDir: options.dataDir,
      workDir: options.workDir,
      user: options.user,
      settings: { ...options.settings, restore_command: wal.command },
      signal: options.signal,
    });
    try {
      await server.waitFor(until).catch((error: unknown) => {
        const failures = wal.failures();
        if (failures.length === 0) throw error;
        (error as Error).message += `; WAL that could not be restored: ${failures.join('; ')}`;
        throw error;
      });
      const result = await use(server);
      await server.stop();
      return { result, end: parseRecoveryLog(server.lines()), failures: wal.failures() };
    } finally {
      await server.stop();
    }
  } finally {
    await wal.close();
  }
}
