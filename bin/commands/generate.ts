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
    .option('--json', 'print {out, files, removed, unconfigured_receivers} as JSON')
    .action(async (options: { out: string; json?: boolean }, command: Command) => {
      const { config } = loadCommandConfig(command);
      // Loaded here, not at the top: every `aidb` process parses this file, and the agent's
      // resident memory has a bar (120 MB) the dashboard SDK alone would eat into.
      const { generators } = await import('./generators.ts');
      const { receiversFrom, unconfiguredReceivers } = await import('../../alerts/receivers.ts');
      const files = generators.flatMap((generate) => generate(config));
      const dir = resolve(options.out);
      const { removed } = await writeGeneratedFiles(dir, files);
      const silent = unconfiguredReceivers(receiversFrom(config.alerting));
      if (options.json === true) {
        const result = {
          out: dir,
          files: files.map((f) => f.path),
          removed,
          unconfigured_receivers: silent,
        };
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      for (const path of removed) process.stdout.write(`aidb generate: removed stale ${path}\n`);
      process.stdout.write(`aidb generate: wrote ${String(files.length)} files to ${dir}\n`);
      if (silent.length > 0)
        process.stdout.write(
          `aidb generate: Alertmanager receivers ${silent.join(', ')} notify nobody; configure them with AIDB_ALERT_<RECEIVER>_WEBHOOK_URL, _EMAIL_TO, _SLACK_API_URL_FILE or _PAGERDUTY_ROUTING_KEY_FILE (README, "Alert delivery")\n`,
        );
    });
}
