import { Argument, Command } from 'commander';
import { commandTable } from '../command-table.ts';
import { bashCompletion, zshCompletion } from '../completion.ts';

/** `aidb completion bash|zsh`: the script, derived from the command tree it completes. */
export function completionCommand(root: () => Command): Command {
  return new Command('completion')
    .description('Print a shell completion script for bash or zsh')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      const table = commandTable(root());
      process.stdout.write(shell === 'bash' ? bashCompletion(table) : zshCompletion(table));
    });
}
