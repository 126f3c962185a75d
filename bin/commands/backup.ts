import { Command } from 'commander';
import { notImplemented } from './not-implemented.ts';

export function backupCommand(): Command {
  return new Command('backup')
    .description('Run, list, verify, restore and prune backups')
    .action(notImplemented('backup'));
}
