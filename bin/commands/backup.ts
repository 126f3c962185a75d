import { isAbsolute, join, resolve } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { configuredTargets } from '../../backups/configured-targets.ts';
import type { BackupEngine, RunOutcome } from '../../backups/engine.ts';
import type { Config } from '../../config/schema.ts';
import { defaultPartSizeMib } from '../../config/sections/backups.ts';
import { createLogger } from '../../lib/logger.ts';
import { ExitError, loadCommandConfig } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { pruneJson, runJson, verifyJson } from '../json-output.ts';
import { createProgressDisplay, type ProgressDisplay } from '../progress-display.ts';
import {
  formatList,
  formatPlan,
  formatProgress,
  formatRunSummary,
  formatVerifySummary,
} from './backup-format.ts';
import type { BackupTarget } from '../../catalog/labels.ts';
import { copyCommand, reportCopies, syncCopies } from './backup-copy.ts';
import { pitrCommands, restoreToTime } from './backup-pitr.ts';

export const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** Cancels on the first SIGINT/SIGTERM (the engine cleans up); a second one exits at once. */
export function cancellation(): { readonly signal: AbortSignal; readonly dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    process.stderr.write(`aidb backup: ${signal}, cancelling…\n`);
    controller.abort(new Error(`backups: cancelled by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The progress line on standard error when it is a terminal; nothing otherwise. */
export function progressDisplay(): ProgressDisplay {
  return createProgressDisplay(
    { isTTY: process.stderr.isTTY, write: (text) => process.stderr.write(text) },
    formatProgress,
  );
}

/** The configuration, with `--repository` (a copy, when the primary is gone) applied. */
export function commandConfig(command: Command): ReturnType<typeof loadCommandConfig> {
  const loaded = loadCommandConfig(command);
  const { repository } = command.opts<{ repository?: string }>();
  if (repository === undefined) return loaded;
  return {
    ...loaded,
    config: { ...loaded.config, backups: { ...loaded.config.backups, repository } },
  };
}

export async function withEngine<T>(
  command: Command,
  use: (engine: BackupEngine, config: Config) => Promise<T>,
  options: { readonly restoreBases?: boolean } = {},
): Promise<T> {
  const loaded = commandConfig(command);
  const { origins } = loaded;
  const config = await stageRemoteRepository(loaded.config);
  // Standard output carries the command's result; logs go to standard error, readable lines
  // when a person watches it, and then only warnings unless a level is configured: the summary
  // line already says what the info lines would.
  const watched = process.stderr.isTTY;
  const logger = createLogger({
    level: watched && !origins.has('logLevel') ? 'warn' : config.logLevel,
    name: 'backup',
    destination: process.stderr,
    format: watched ? 'pretty' : config.logFormat,
  });
  // The engines load on use, so that other `aidb` commands (the agent above all, whose
  // resident memory has a bar) do not carry them.
  const { createEngineFromConfig } = await import('../../backups/from-config.ts');
  const engine = await createEngineFromConfig(config, { logger, ...options });
  try {
    return await use(engine, config);
  } catch (error) {
    // Engine errors name their module and cause; the operator gets the message, not a stack.
    if (error instanceof ExitError) throw error;
    throw new ExitError((error as Error).message, exitCodes.failure);
  }
}

/**
 * `--repository s3://bucket/prefix`: the copy is downloaded into `<dataDir>/copy-staging/` and
 * served from there (restores read files by path, and the restore_command must find the WAL
 * without credentials). Needs the space of the copy.
 */
async function stageRemoteRepository(config: Config): Promise<Config> {
  const repository = config.backups.repository;
  if (repository === undefined || !repository.startsWith('s3://')) return config;
  const url = new URL(repository);
  const bucket = url.hostname;
  const prefix = url.pathname.replace(/^\//, '');
  const known = config.backups.copies.find(
    (c) => c.kind === 's3' && c.bucket === bucket && c.prefix === prefix,
  );
  const { s3Store } = await import('../../backups/copies/s3-store.ts');
  const { downloadCopy } = await import('../../backups/copies/sync.ts');
  const store = s3Store(
    known?.kind === 's3'
      ? known
      : {
          name: 'remote',
          bucket,
          prefix,
          region: 'us-east-1',
          forcePathStyle: false,
          partSizeMib: defaultPartSizeMib,
        },
  );
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(config.dataDir);
  const staging = join(dataDir, 'copy-staging', `${bucket}-${prefix.replaceAll('/', '_')}`);
  const count = await downloadCopy(store, staging, new AbortController().signal);
  process.stderr.write(
    `aidb backup: downloaded ${String(count)} files of ${repository} into ${staging}\n`,
  );
  return { ...config, backups: { ...config.backups, repository: staging } };
}

export function busy(
  owner: { pid: number; purpose: string; since: string } | undefined,
): ExitError {
  const who =
    owner === undefined
      ? 'another process'
      : `pid ${owner.pid} (${owner.purpose}, since ${owner.since})`;
  return new ExitError(`the backup repository is busy: ${who}; nothing was done`, exitCodes.busy);
}

function resolveTarget(name: string | undefined, config: Config): BackupTarget[] {
  const configured = configuredTargets(config);
  if (name === undefined) return configured;
  const wanted: BackupTarget =
    name === 'pg'
      ? config.profile === 'embedded'
        ? 'pglite'
        : 'postgres'
      : (name as BackupTarget);
  if (!configured.includes(wanted)) {
    throw new ExitError(
      `backup target ${wanted} is not configured (configured: ${configured.join(', ')})`,
      exitCodes.usage,
    );
  }
  return [wanted];
}

function report(outcome: RunOutcome, target: BackupTarget): boolean {
  if (outcome.status === 'skipped') throw busy(outcome.owner);
  if (outcome.status === 'failure') {
    process.stderr.write(
      `aidb backup: ${target} failed (${outcome.reason}): ${outcome.error.message}\n`,
    );
    return false;
  }
  print(formatRunSummary(outcome.manifest));
  return true;
}

function runCommand(): Command {
  return new Command('run')
    .description('Back up now: every configured target, or one')
    .addArgument(
      new Argument('[target]', 'what to back up').choices(['pg', 'postgres', 'pglite', 'qdrant']),
    )
    .option('--json', 'print one result per target as JSON (README, "JSON output")')
    .action(async (name: string | undefined, options: { json?: boolean }, command: Command) => {
      const { config } = loadCommandConfig(command);
      if (config.backups.identity === undefined && config.backups.recipients.length === 0)
        throw new ExitError(
          'backup run: no age key to encrypt to; make one with `age-keygen -o /etc/aidb/backup.key` and set AIDB_BACKUP_IDENTITY_FILE=/etc/aidb/backup.key (keep a copy elsewhere: without it no backup can be restored), or set AIDB_BACKUP_RECIPIENTS to public keys (age1…)',
          exitCodes.config,
        );
      await withEngine(command, async (engine) => {
        const { signal, dispose } = cancellation();
        let ok = true;
        const results: ReturnType<typeof runJson>[] = [];
        try {
          for (const target of resolveTarget(name, config)) {
            const display = progressDisplay();
            const outcome = await engine.run(target, signal, display.onProgress);
            display.finish();
            if (options.json === true) {
              results.push(runJson(target, outcome));
              ok = outcome.status === 'success' && ok;
            } else ok = report(outcome, target) && ok;
          }
        } finally {
          dispose();
        }
        if (options.json === true) print(JSON.stringify(results, null, 2));
        // A copy that fails is reported and fails the command, after the primary backup exists.
        if (ok) {
          const copies = await syncCopies(config, new AbortController().signal);
          if (!reportCopies(copies, options.json === true)) ok = false;
        }
        if (!ok) process.exitCode = exitCodes.failure;
      });
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('List the backups in the repository')
    .option('--json', 'print the manifests as JSON')
    .option('--repository <dir>', 'list this repository instead (a copy)')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const listing = await engine.list();
        const { manifests, problems, missing } = listing;
        print(options.json === true ? JSON.stringify(manifests, null, 2) : formatList(listing));
        for (const problem of problems) process.stderr.write(`aidb backup: ${problem}\n`);
        for (const [id, what] of missing) process.stderr.write(`aidb backup: ${id}: ${what}\n`);
        if (problems.length > 0) process.exitCode = exitCodes.failure;
      });
    });
}

function verifyCommand(): Command {
  return new Command('verify')
    .description(
      'Verify a backup: level 1 reads and decodes it, --restore (level 2) restores it into a scratch database',
    )
    .argument('<id>', 'backup id (from `aidb backup list`)')
    .option(
      '--restore',
      'level 2: restore into a scratch database (a base backup: recover it with its WAL in a scratch directory) and compare row counts',
    )
    .option('--repository <dir>', 'verify in this repository instead (a copy)')
    .option('--json', 'print the verification as JSON (README, "JSON output")')
    .action(
      async (id: string, options: { restore?: boolean; json?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          const { signal, dispose } = cancellation();
          const display = progressDisplay();
          try {
            const level = options.restore === true ? '2' : '1';
            const outcome = await engine.verify(id, level, signal, display.onProgress);
            display.finish();
            if (outcome.status === 'skipped') throw busy(outcome.owner);
            const v = outcome.verification;
            if (options.json === true) {
              print(JSON.stringify(verifyJson(outcome.manifest, v), null, 2));
              if (!v.ok) process.exitCode = exitCodes.failure;
            } else if (v.ok) print(formatVerifySummary(outcome.manifest, v));
            else {
              process.stderr.write(
                `aidb backup: ${id}: level ${level} verification FAILED (${v.reason ?? ''}): ${v.detail ?? ''}\n`,
              );
              process.exitCode = exitCodes.failure;
            }
          } finally {
            dispose();
          }
        });
      },
    );
}

function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Restore a backup: checks every checksum first, refuses a non-empty target unless --force',
    )
    .argument('[id]', 'backup id (from `aidb backup list`); not with --to-time')
    .addOption(
      new Option(
        '--target <destination>',
        'database name (postgres), data directory (pglite, and postgres with --to-time) or collection (qdrant; `original` for all)',
      ).makeOptionMandatory(),
    )
    .option('--force', 'replace an existing, non-empty target')
    .option(
      '--to-time <time>',
      'point-in-time recovery: RFC 3339 time (2026-12-06T18:30:00Z) or `latest`; builds a PostgreSQL data directory that replays the WAL archive to it',
    )
    .option(
      '--no-recover',
      'with --to-time: only build the data directory and its recovery settings; do not run the recovery in a private server',
    )
    .option('--repository <dir>', 'read this repository instead (a copy, when the primary is gone)')
    .action(async (id: string | undefined, options: RestoreOptions, command: Command) => {
      if (options.toTime !== undefined) {
        if (id !== undefined)
          throw new ExitError('restore: give a backup id or --to-time, not both', exitCodes.usage);
        await restoreToTime(command, options.toTime, options.target, options.recover);
        return;
      }
      if (id === undefined)
        throw new ExitError('restore: give a backup id or --to-time', exitCodes.usage);
      await withEngine(command, async (engine) => {
        const { signal, dispose } = cancellation();
        const display = progressDisplay();
        try {
          const outcome = await engine.restore(id, options.target, {
            force: options.force === true,
            signal,
            onProgress: display.onProgress,
          });
          display.finish();
          if (outcome.status === 'skipped') throw busy(outcome.owner);
          for (const action of outcome.actions) print(action);
        } catch (error) {
          display.finish();
          if (error instanceof ExitError) throw error;
          throw new ExitError(
            `restore of ${id} failed: ${(error as Error).message}`,
            exitCodes.failure,
          );
        } finally {
          dispose();
        }
      });
    });
}

interface RestoreOptions {
  readonly target: string;
  readonly force?: boolean;
  readonly toTime?: string;
  readonly recover: boolean;
}

function pruneCommand(): Command {
  return new Command('prune')
    .description('Apply the retention policy: delete what it does not keep')
    .option('--dry-run', 'print the decisions, delete nothing')
    .option('--json', 'print the decisions and deletions as JSON (README, "JSON output")')
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      await withEngine(command, async (engine) => {
        const outcome = await engine.prune({ dryRun: options.dryRun === true });
        if (outcome.status === 'skipped') throw busy(outcome.owner);
        if (options.json === true) {
          print(JSON.stringify(pruneJson(outcome.plan, outcome.deleted, outcome.dryRun), null, 2));
          return;
        }
        print(formatPlan(outcome.plan));
        for (const { target, reason } of outcome.plan.blocked)
          print(`${target}: deletions held back (${reason})`);
        print(
          options.dryRun === true
            ? 'dry run: nothing deleted'
            : `deleted ${outcome.deleted.length} backups`,
        );
        if (outcome.walDeleted.length > 0)
          print(
            `${options.dryRun === true ? 'would delete' : 'deleted'} ${String(outcome.walDeleted.length)} WAL files older than the oldest kept base`,
          );
      });
    });
}

export function backupCommand(): Command {
  const command = new Command('backup').description('Run, list, verify, restore and prune backups');
  for (const sub of [
    runCommand(),
    listCommand(),
    verifyCommand(),
    restoreCommand(),
    pruneCommand(),
    copyCommand(),
    ...pitrCommands(),
  ]) {
    command.addCommand(sub.copyInheritedSettings(command));
  }
  return command;
}
