import { Command, Option } from 'commander';
import {
  generateKey,
  keyEntry,
  keyNamePattern,
  keyScopes,
  type KeyScope,
} from '../../lib/api-keys.ts';

/**
 * `aidb keys create`: a new API key, printed once, with the entry for `AIDB_API_KEYS`; the
 * service only ever stores the entry's hash.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage API keys');
  keys
    .command('create')
    .description('Print a new API key once, and the entry that configures it')
    .requiredOption('--name <name>', 'name of the key, shown in logs ([A-Za-z0-9_.-], 1-64)')
    .addOption(
      new Option('--scope <scope>', 'what the key may do').choices(keyScopes).default('read'),
    )
    .option('--json', 'print {name, scope, key, entry} as JSON')
    .action((options: { name: string; scope: KeyScope; json?: boolean }, command: Command) => {
      if (!keyNamePattern.test(options.name))
        command.error('aidb: --name must be 1-64 of [A-Za-z0-9_.-]', { exitCode: 2 });
      const key = generateKey();
      if (options.json === true) {
        const entry = keyEntry(options.name, options.scope, key);
        process.stdout.write(
          `${JSON.stringify({ name: options.name, scope: options.scope, key, entry }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(
        `key:   ${key}\nentry: ${keyEntry(options.name, options.scope, key)}\n` +
          'Give the key to its client now: it is not stored anywhere. Add the entry to AIDB_API_KEYS.\n',
      );
    });
  return keys;
}
