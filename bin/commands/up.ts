import { Command } from 'commander';
import { notImplemented } from './not-implemented.ts';

export function upCommand(): Command {
  return new Command('up')
    .description('Run the service and the agent on this machine (what `npm start` runs)')
    .action(notImplemented('up'));
}
