import { resolve } from 'node:path';
import { Command } from 'commander';
import { writeGeneratedFiles } from '../../lib/generated-files.ts';
import { loadCommandConfig } from '../config-option.ts';

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'Write dashboards, alert rules, rule tests, Alertmanager config, runbooks and manifests',
    )
    .requiredOption('-o, --out <dir>', 'output directory')
    .action(async (options: { out: string }, command: Command) => {
      const { config } = loadCommandConfig(command);
      // Loaded here, not at the top: every `aidb` process parses this file, and the agent's
      // resident memory has a bar (120 MB) the dashboard SDK alone would eat into.
      const { generators } = await import('./generators.ts');
      const files = generators.flatMap((generate) => generate(config));
      const dir = resolve(options.out);
      const { removed } = await writeGeneratedFiles(dir, files);
      for (const path of removed) process.stdout.write(`aidb generate: removed stale ${path}\n`);
      process.stdout.write(`aidb generate: wrote ${String(files.length)} files to ${dir}\n`);
      const { receiversFrom, unconfiguredReceivers } = await import('../../alerts/receivers.ts');
      const silent = unconfiguredReceivers(receiversFrom(config.alerting));
      if (silent.length > 0)
        process.stdout.write(
          `aidb generate: Alertmanager receivers ${silent.join(', ')} notify nobody; configure them with AIDB_ALERT_<RECEIVER>_WEBHOOK_URL, _EMAIL_TO, _SLACK_API_URL_FILE or _PAGERDUTY_ROUTING_KEY_FILE (README, "Alert delivery")\n`,
        );
    });
}
