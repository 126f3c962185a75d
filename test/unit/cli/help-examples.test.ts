import { describe, expect, it } from 'vitest';
import { commandLineProblem, commandTable, type CommandEntry } from '../../../bin/command-table.ts';
import { helpExamples } from '../../../bin/help-examples.ts';
import { createProgram } from '../../../bin/program.ts';

const table = commandTable(createProgram());

function paths(entry: CommandEntry, prefix: readonly string[] = []): string[] {
  return entry.commands.flatMap((c) => [
    [...prefix, c.name].join(' '),
    ...paths(c, [...prefix, c.name]),
  ]);
}

describe('help examples', () => {
  it('end the help of every command', () => {
    const program = createProgram();
    for (const path of paths(table)) {
      const command = path
        .split(' ')
        .reduce((c, name) => c.commands.find((s) => s.name() === name) ?? c, program);
      let help = '';
      command.configureOutput({ writeOut: (text) => (help += text) });
      command.outputHelp();
      expect(help, path).toContain('\nExamples:\n  ');
    }
    expect(Object.keys(helpExamples).sort()).toEqual(paths(table).sort());
  });

  it('use only commands and options the CLI accepts', () => {
    const refused = Object.values(helpExamples)
      .flat()
      .filter((line) => line.includes('npx aidb'))
      .flatMap((line) => {
        // Up to a pipe, `&&`, a redirection or the end of a process substitution.
        const args = (line.split('npx aidb')[1] ?? '').split(/\s+(?:\||&&|>)\s|\)$/)[0] ?? '';
        const problem = commandLineProblem(table, args.trim().split(/\s+/).filter(Boolean));
        return problem === undefined ? [] : [`${line}: ${problem}`];
      });
    expect(refused).toEqual([]);
  });
});
