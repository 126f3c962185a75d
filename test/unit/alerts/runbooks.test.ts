import { describe, expect, it } from 'vitest';
import { runbookCommandArgs } from '../../../alerts/runbook-commands.ts';
import { commandLineProblem, commandTable } from '../../../bin/command-table.ts';
import { createProgram } from '../../../bin/program.ts';
import { exampleFiles } from '../../../scripts/examples-files.ts';

const runbooks = exampleFiles().filter((f) => f.path.startsWith('runbooks/'));
const table = commandTable(createProgram());
const split = (args: string): string[] => args.split(/\s+/).filter((a) => a !== '');

describe('generated runbooks', () => {
  it('tell someone to type only commands the CLI accepts, with their options and arguments', () => {
    const commands = runbooks.flatMap((f) =>
      runbookCommandArgs(f.content).map((args) => ({ file: f.path, args })),
    );
    expect(commands.length).toBeGreaterThan(40);
    const refused = commands.flatMap(({ file, args }) => {
      const problem = commandLineProblem(table, split(args));
      return problem === undefined ? [] : [`${file}: aidb ${args}: ${problem}`];
    });
    expect(refused).toEqual([]);
  });

  it('spell every command of a step for a checkout, Kubernetes and podman', () => {
    for (const file of runbooks) {
      const steps = file.content
        .split('\n')
        .filter((l) => /^\d+\. .*`aidb (agent|backup) /.test(l));
      for (const step of steps) {
        const block = file.content.slice(file.content.indexOf(step)).split('\n').slice(1, 4);
        expect(block.map((l) => l.replace(/`.*/, ''))).toEqual([
          '   - checkout: ',
          '   - Kubernetes: ',
          '   - podman: ',
        ]);
      }
    }
  });

  it('render no Go templates and repeat no line of a list', () => {
    for (const file of runbooks) {
      expect(file.content, file.path).not.toContain('{{');
      const bullets = file.content.split(/^#+ /m).flatMap((section) => {
        const items = section.split('\n').filter((l) => l.startsWith('- '));
        return items.filter((item, i) => items.indexOf(item) !== i);
      });
      expect(bullets, file.path).toEqual([]);
    }
  });

  it('say where the logs are in each deployment and which dashboard panel to open', () => {
    for (const file of runbooks) {
      expect(file.content).toContain('kubectl logs deploy/aidb -c service');
      expect(file.content).toContain('journalctl -u aidb -u aidb-agent');
    }
    const all = runbooks.map((f) => f.content).join('\n');
    expect(all).toContain(
      'panel **Age of the last successful backup** (http://127.0.0.1:3000/d/aidb-backups?viewPanel=2)',
    );
    const sections = all.split(/^## (?=Aidb)/m).slice(1);
    const panelOf = (name: string) =>
      /panel \*\*([^*]+)\*\*/.exec(sections.find((x) => x.startsWith(`${name}\n`)) ?? '')?.[1];
    expect(panelOf('AidbSloSearchLatencyBurnRateFast')).toBe('Search latency: burn rate');
    expect(panelOf('AidbServiceErrorRatioHigh')).toBe('Requests: errors');
    // Alerts on scrape health and Prometheus itself have no panel of their own.
    const without = sections.filter((x) => !x.includes('viewPanel=')).map((x) => x.split('\n')[0]);
    expect(without.length).toBeLessThanOrEqual(9);
  });
});

describe('the runbook command check', () => {
  const problem = (args: string) => commandLineProblem(table, split(args));

  it('accepts commands, options, values and arguments the CLI defines', () => {
    expect(problem('backup verify <id> --restore')).toBeUndefined();
    expect(problem('--config aidb.yaml generate --out DIR')).toBeUndefined();
    expect(problem('backup restore <id> --target=original --force')).toBeUndefined();
  });

  it('refuses unknown commands and options, missing values and stray arguments', () => {
    expect(problem('backup lst')).toBe('unknown command aidb backup lst');
    expect(problem('backup list --bogus')).toBe('unknown option --bogus for aidb backup list');
    expect(problem('generate')).toBe('aidb generate needs -o, --out');
    expect(problem('backup verify')).toBe('aidb backup verify needs 1 argument(s)');
    expect(problem('agent status extra')).toBe('too many arguments for aidb agent status: extra');
    expect(problem('keys create --name x --scope root')).toBe(
      'option --scope of aidb keys create takes read, write, admin, not root',
    );
    expect(problem('backup restore <id> --target')).toBe(
      'option --target of aidb backup restore needs a value',
    );
  });
});
