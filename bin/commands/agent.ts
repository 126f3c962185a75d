import { Command } from 'commander';
import { notImplemented } from './not-implemented.ts';

export function agentCommand(): Command {
  return new Command('agent')
    .description('Run the agent: probes, scheduled jobs, metrics and status')
    .action(notImplemented('agent'));
}
