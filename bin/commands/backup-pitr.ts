/**
 * Point-in-time recovery commands: `restore --to-time` (through backup.ts), `wal-fetch` (the
 * restore_command PostgreSQL runs), `wal-stream` (continuous archiving in the foreground) and
 * `wal-status` (level 1 of the WAL chain: gaps, found without a restore).
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { stateOf } from '../../backups/manifest.ts';
import {
  parseRecoveryTarget,
  planRestore,
  recoverySettings,
  shellQuote,
} from '../../backups/pitr/plan.ts';
import { findGaps, parseSegment } from '../../backups/wal/segments.ts';
import { ExitError } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { busy, cancellation, commandConfig, print, withEngine } from './backup.ts';

const aidbScript = fileURLToPath(new URL('../aidb.ts', import.meta.url));

/**
 * The restore_command: this very CLI, with the repository and the identity file in its
 * environment. Never the key itself: it would sit in postgresql.auto.conf.
 */
function restoreCommand(repository: string, identityFile: string): string {
  return [
    `AIDB_BACKUP_REPOSITORY=${shellQuote(repository)}`,
    `AIDB_BACKUP_IDENTITY_FILE=${shellQuote(identityFile)}`,
    'AIDB_LOG_LEVEL=warn',
    shellQuote(process.execPath),
    shellQuote(aidbScript),
    'backup wal-fetch %f %p',
  ].join(' ');
}

export async function restoreToTime(
  command: Command,
  toTime: string,
  target: string,
  recover: boolean,
): Promise<void> {
  const recovery = parseRecoveryTarget(toTime);
  if (recovery === undefined) {
    throw new ExitError(
      `restore: --to-time ${toTime} is neither an RFC 3339 time with a zone (2026-12-06T18:30:00Z) nor latest`,
      exitCodes.usage,
    );
  }
  const identityFile = process.env.AIDB_BACKUP_IDENTITY_FILE;
  if (identityFile === undefined || identityFile === '') {
    throw new ExitError(
      'restore --to-time: set AIDB_BACKUP_IDENTITY_FILE to the age identity file; the restore_command PostgreSQL runs reads the key from there',
      exitCodes.config,
    );
  }
  const destination = isAbsolute(target) ? target : resolve(target);
  await withEngine(
    command,
    async (engine, config) => {
      const { walArchiveFromConfig, repositoryDir, scratchDir } =
        await import('../../backups/from-config.ts');
      const archive = await walArchiveFromConfig(config);
      const { manifests, missing } = await engine.list();
      const bases = manifests.filter((m) => m.target === 'postgres' && m.wal !== undefined);
      const unusable = new Set(
        bases
          .filter((m) => ['failed', 'missing'].includes(stateOf(m, missing.has(m.id))))
          .map((m) => m.id),
      );
      const { entries, problems } = await archive.list();
      for (const problem of problems) process.stderr.write(`aidb backup: ${problem}\n`);
      const planned = planRestore(bases, unusable, entries, recovery);
      if (!planned.ok)
        throw new ExitError(`restore --to-time: ${planned.problem}`, exitCodes.failure);
      const { plan } = planned;
      const { signal, dispose } = cancellation();
      try {
        const outcome = await engine.restore(plan.base.id, destination, { force: false, signal });
        if (outcome.status === 'skipped') throw busy(outcome.owner);
        for (const action of outcome.actions) print(action);
      } finally {
        dispose();
      }
      const repository = repositoryDir(config);
      await appendFile(
        join(destination, 'postgresql.auto.conf'),
        recoverySettings(restoreCommand(repository, resolve(identityFile)), recovery),
      );
      await writeFile(join(destination, 'recovery.signal'), '', { mode: 0o600 });
      print(`base backup: ${plan.base.id} (finished ${plan.base.finishedAt})`);
      print(
        plan.newestSegment === undefined
          ? 'WAL archive: nothing archived after the base yet'
          : `WAL archive: through ${plan.newestSegment} (archived ${plan.newestArchivedAt ?? ''}), no gaps`,
      );
      print(
        recovery.kind === 'latest'
          ? `recovery target: the end of the archive`
          : `recovery target: ${recovery.at.toISOString()} (transactions committed before it)`,
      );
      const manual = `start PostgreSQL on ${destination} (owned by its user, mode 0700): it replays the archive, then promotes; its log says where recovery stopped`;
      if (!recover) {
        print(manual);
        return;
      }
      const { recoverRestored } = await import('../../backups/pitr/recover-restored.ts');
      const run = cancellation();
      try {
        const recovered = await recoverRestored({
          dataDir: destination,
          archive,
          binDir: config.backups.postgresBinDir,
          serverUser: config.backups.pitr.serverUser,
          scratchDir: scratchDir(config),
          prefix: config.backups.scratch.prefix,
          signal: run.signal,
        });
        if (!recovered.ran) {
          print(`recovery not run here: ${recovered.why}`);
          print(manual);
          return;
        }
        for (const line of recovered.reached) print(line);
        print(
          `${destination} is ready: recovered, promoted and shut down cleanly${recovered.owner === undefined ? '' : ` (owned by ${recovered.owner})`}; start PostgreSQL on it`,
        );
      } catch (error) {
        throw new ExitError(
          `restore --to-time: ${(error as Error).message.replace(/^backups: /, '')}; ${destination} holds the base and the recovery settings`,
          exitCodes.failure,
        );
      } finally {
        run.dispose();
      }
    },
    { restoreBases: true },
  );
}

function walFetchCommand(): Command {
  return new Command('wal-fetch')
    .description(
      'Fetch one archived WAL file (the restore_command that `restore --to-time` writes)',
    )
    .argument('<name>', 'WAL file name (%f)')
    .argument('<destination>', 'where to write it (%p)')
    .option('--repository <dir>', 'read this repository instead (a copy)')
    .action(async (name: string, destination: string, _options: unknown, command: Command) => {
      const { config } = commandConfig(command);
      const { walArchiveFromConfig } = await import('../../backups/from-config.ts');
      const archive = await walArchiveFromConfig(config);
      const found = await archive.fetch(name, destination, new AbortController().signal);
      // Not found is how recovery learns the archive ends: an exit status, no message.
      if (!found) process.exitCode = exitCodes.failure;
    });
}

function walStatusCommand(): Command {
  return new Command('wal-status')
    .description('Level 1 of the WAL chain: the archive from the oldest base on, checked for gaps')
    .option('--json', 'print the status as JSON')
    .option('--repository <dir>', 'read this repository instead (a copy)')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine, config) => {
        const { walArchiveFromConfig } = await import('../../backups/from-config.ts');
        const archive = await walArchiveFromConfig(config);
        const { entries, problems } = await archive.list();
        const { manifests } = await engine.list();
        const oldest = manifests.find((m) => m.wal !== undefined);
        // From the oldest base on; without one, from the oldest segment archived.
        const archived = entries.map((e) => parseSegment(e.name)?.number ?? Infinity);
        const from = parseSegment(oldest?.wal?.stopSegment ?? '')?.number ?? Math.min(...archived);
        const gaps = findGaps(
          entries.map((e) => e.name),
          from,
        );
        const newest = [...entries].sort((a, b) => a.archivedAt.localeCompare(b.archivedAt)).at(-1);
        const status = {
          files: entries.length,
          oldestBase: oldest?.id ?? null,
          newest: newest?.name ?? null,
          newestArchivedAt: newest?.archivedAt ?? null,
          gaps,
          problems,
        };
        if (options.json === true) print(JSON.stringify(status, null, 2));
        else {
          print(
            `${String(entries.length)} WAL files archived; newest ${status.newest ?? 'none'} at ${status.newestArchivedAt ?? '-'}`,
          );
          for (const gap of gaps)
            print(`GAP after ${gap.after}: ${gap.missing.slice(0, 5).join(', ')} missing`);
          for (const problem of problems) print(`PROBLEM ${problem}`);
        }
        if (gaps.length > 0 || problems.length > 0) process.exitCode = exitCodes.failure;
      });
    });
}

function walStreamCommand(): Command {
  return new Command('wal-stream')
    .description(
      'Archive WAL continuously in the foreground (what the agent does): pg_receivewal through the replication slot',
    )
    .action(async (_options: unknown, command: Command) => {
      const { config } = commandConfig(command);
      if (config.profile !== 'external' || config.database.url === undefined) {
        throw new ExitError(
          'wal-stream: needs the external profile with database.url (AIDB_DATABASE_URL)',
          exitCodes.config,
        );
      }
      const { walArchiveFromConfig, walSpoolDir } = await import('../../backups/from-config.ts');
      const { startWalReceiver } = await import('../../backups/wal/receiver.ts');
      const { createLogger } = await import('../../lib/logger.ts');
      const logger = createLogger({
        level: config.logLevel,
        name: 'wal',
        destination: process.stderr,
        format: config.logFormat,
      });
      const { signal, dispose } = cancellation();
      try {
        const receiver = startWalReceiver(
          {
            connection: {
              url: config.database.url,
              password: config.database.password,
              binDir: config.backups.postgresBinDir,
            },
            slot: config.backups.pitr.slot,
            spoolDir: walSpoolDir(config),
            archive: await walArchiveFromConfig(config),
            logger,
            switchIntervalMs: config.backups.pitr.switchIntervalSeconds * 1000,
          },
          signal,
        );
        await receiver.done;
      } finally {
        dispose();
      }
    });
}

export function pitrCommands(): readonly Command[] {
  return [walFetchCommand(), walStatusCommand(), walStreamCommand()];
}
