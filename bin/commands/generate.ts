import { Command } from 'commander';
import { notImplemented } from './not-implemented.ts';

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'Write dashboards, alert rules, rule tests, Alertmanager config, runbooks and manifests',
    )
    .requiredOption('-o, --out <dir>', 'output directory')
    .action(notImplemented('generate'));
}
