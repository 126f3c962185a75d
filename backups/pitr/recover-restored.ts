/**
 * The last step of `restore --to-time`: run the recovery the data directory was set up for in a
 * private server (recover.ts), wait until it promoted, and say what it reached; the server stops
 * cleanly and leaves a data directory ready to start. Without the server binaries or a user to
 * run them as, it says why and leaves the recovery to the operator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError } from '../errors.ts';
import type { WalArchive } from '../wal/archive.ts';
import { findServerBinary, missingServer } from './private-server.ts';
import { promoted, runRecovery } from './recover.ts';
import { resolveServerUser, type ServerUser } from './server-user.ts';

export interface RecoverRestoredOptions {
  readonly dataDir: string;
  readonly archive: WalArchive;
  readonly binDir: string | undefined;
  readonly serverUser: string;
  readonly scratchDir: string;
  readonly prefix: string;
  readonly signal: AbortSignal;
}

export type RecoverRestoredResult =
  | { readonly ran: true; readonly reached: readonly string[]; readonly owner: string | undefined }
  | { readonly ran: false; readonly why: string };

export async function recoverRestored(
  options: RecoverRestoredOptions,
): Promise<RecoverRestoredResult> {
  const binary = await findServerBinary(options.binDir);
  if (binary === undefined) return { ran: false, why: missingServer(options.binDir) };
  let user: ServerUser | undefined;
  try {
    user = await resolveServerUser(options.serverUser);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    return { ran: false, why: error.message.replace(/^backups: /, '') };
  }
  const workDir = await mkdtemp(join(options.scratchDir, `${options.prefix}pg_`));
  try {
    const { end } = await runRecovery(
      {
        binary,
        user,
        archive: options.archive,
        dataDir: options.dataDir,
        workDir,
        settings: {},
        signal: options.signal,
      },
      promoted,
      () => Promise.resolve(undefined),
    );
    const reached = [
      `recovery: ${end.stop ?? 'reached the end of the WAL archive'}`,
      ...(end.lastTransaction === undefined
        ? []
        : [`recovery: last completed transaction was at log time ${end.lastTransaction}`]),
      `recovery: replay ended at ${end.redoDone ?? '(not reported)'}; promoted to timeline ${end.timeline === undefined ? '(not reported)' : String(end.timeline)}`,
    ];
    return { ran: true, reached, owner: user?.name };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
