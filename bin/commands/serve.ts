import { Command } from 'commander';
import { notImplemented } from './not-implemented.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API service')
    .action(notImplemented('serve'));
}
