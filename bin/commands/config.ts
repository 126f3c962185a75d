import { Command } from 'commander';
import { effectiveSettings, formatEffective } from '../../config/effective.ts';
import { loadCommandConfig } from '../config-option.ts';

/** `aidb config check`: validate, then show what is in effect and where each value came from. */
export function configCommand(): Command {
  const config = new Command('config').description('Inspect the configuration');
  config
    .command('check')
    .description(
      'Validate the configuration (exit 78 on problems) and print every setting in effect with its source; secrets are redacted',
    )
    .option('--json', 'print [{path, value, source}] as JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const settings = effectiveSettings(loadCommandConfig(command));
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(settings, null, 2)}\n`
          : `${formatEffective(settings)}\nconfiguration is valid\n`,
      );
    });
  return config;
}
