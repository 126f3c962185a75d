import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { runCli } from '../../support/cli.ts';

let dir: string;
let script: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-completion-'));
  const { code, stdout } = await runCli(['completion', 'bash']);
  expect(code).toBe(0);
  script = join(dir, 'aidb.bash');
  await writeFile(script, stdout);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What bash offers after typing `aidb <words>` and pressing Tab. */
function complete(words: readonly string[]): string[] {
  const array = ['aidb', ...words].map((w) => `'${w}'`).join(' ');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `source '${script}'; COMP_WORDS=(${array}); COMP_CWORD=${String(words.length)}; _aidb; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((w) => w !== '');
}

describe('aidb completion', () => {
  it('completes commands, subcommands and options from the command tree', () => {
    expect(complete(['ba'])).toEqual(['backup']);
    expect(complete(['backup', ''])).toEqual([
      'run',
      'list',
      'verify',
      'restore',
      'prune',
      'copy',
      'wal-fetch',
      'wal-status',
      'wal-stream',
      '-h',
      '--help',
    ]);
    expect(complete(['--config', 'a.yaml', 'backup', 'verify', '--'])).toEqual([
      '--restore',
      '--repository',
      '--json',
      '--help',
    ]);
    expect(complete(['config', 'check', '--j'])).toEqual(['--json']);
  });

  it('writes a bash script shellcheck accepts', () => {
    const result = spawnSync(binaryPath(binaries.shellcheck), ['--shell=bash', script], {
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('');
  });

  it('offers zsh the same script through bashcompinit, and refuses other shells', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef aidb\n/);
    expect(zsh.stdout).toContain('bashcompinit && bashcompinit');
    expect(zsh.stdout).toContain('complete -F _aidb aidb');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.code).toBe(2);
  });
});
