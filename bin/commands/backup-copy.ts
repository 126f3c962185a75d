/** `aidb backup copy`: brings every configured copy up to date now (the agent does so itself). */
import { Command } from 'commander';
import type { CopyOutcome } from '../../backups/copies/copier.ts';
import type { Config } from '../../config/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { ExitError } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { commandConfig, print } from './backup.ts';

/** Syncs the copies of `config`; returns the outcomes (none when no copy is configured). */
export async function syncCopies(
  config: Config,
  signal: AbortSignal,
): Promise<readonly CopyOutcome[]> {
  if (config.backups.copies.length === 0) return [];
  const { copyPolicies, createCopier, storesFromConfig } =
    await import('../../backups/copies/copier.ts');
  const { repositoryDir } = await import('../../backups/from-config.ts');
  const copier = createCopier({
    repositoryDir: repositoryDir(config),
    stores: await storesFromConfig(config),
    policies: copyPolicies(config),
    logger: createLogger({ level: 'silent', name: 'copy' }),
  });
  return copier.sync(signal);
}

/** Failures on standard error; successes on standard output unless it carries JSON. */
export function reportCopies(outcomes: readonly CopyOutcome[], quiet = false): boolean {
  for (const o of outcomes) {
    if (o.ok && quiet) continue;
    if (o.ok) {
      print(`copy ${o.copy}: up to date (${String(o.copied)} files copied, checksums verified)`);
      const { backups, wal } = o.pruned;
      if (backups.length + wal > 0)
        print(
          `copy ${o.copy}: retention deleted ${String(backups.length)} backups (${backups.join(', ')}) and ${String(wal)} WAL files the primary no longer holds`,
        );
    } else
      process.stderr.write(
        `aidb backup: copy ${o.copy} failed (lag ${Math.round(o.lagSeconds)} s): ${o.error ?? ''}\n`,
      );
  }
  return outcomes.every((o) => o.ok);
}

export function copyCommand(): Command {
  return new Command('copy')
    .description(
      'Copy every completed backup and WAL file the configured copies lack, verifying each',
    )
    .action(async (_options: unknown, command: Command) => {
      const { config } = commandConfig(command);
      if (config.backups.copies.length === 0)
        throw new ExitError('backup copy: no copies configured (backups.copies)', exitCodes.config);
      const ok = reportCopies(await syncCopies(config, new AbortController().signal));
      if (!ok) process.exitCode = exitCodes.failure;
    });
}
