import { Command } from 'commander';
import { version } from '../lib/version.ts';
import { addHelpExamples } from './help-examples.ts';
import { agentCommand } from './commands/agent.ts';
import { backupCommand } from './commands/backup.ts';
import { completionCommand } from './commands/completion.ts';
import { configCommand } from './commands/config.ts';
import { generateCommand } from './commands/generate.ts';
import { healthCommand } from './commands/health.ts';
import { keysCommand } from './commands/keys.ts';
import { serveCommand } from './commands/serve.ts';
import { upCommand } from './commands/up.ts';

/** The `aidb` command tree; every command exits 2 on input it does not understand. */
export function createProgram(): Command {
  const program = new Command('aidb')
    .description(
      'Observability-first AI knowledge base: service, agent, backups, dashboards and alerts',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .option('-c, --config <file>', 'YAML config file (default: $AIDB_CONFIG)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [
    upCommand(),
    serveCommand(),
    agentCommand(),
    generateCommand(),
    backupCommand(),
    keysCommand(),
    healthCommand(),
    configCommand(),
    completionCommand(createProgram),
  ]) {
    program.addCommand(inherit(command, program));
  }
  addHelpExamples(program);
  return program;
}

/** Subcommands made apart from the program inherit nothing unless told to, at every depth. */
function inherit(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}
