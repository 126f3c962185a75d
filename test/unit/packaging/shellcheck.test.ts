import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { binaries, binaryPath } from '../../support/binaries.ts';

const root = new URL('../../../', import.meta.url).pathname;

/** The same list CI hands to shellcheck. */
function shellScripts(): string[] {
  return execFileSync('bash', ['scripts/shell-scripts.sh'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '');
}

describe('shell scripts', () => {
  it('are found by extension or shebang, including the CI entry point', () => {
    expect(shellScripts()).toEqual(expect.arrayContaining(['.ci/run', 'scripts/shell-scripts.sh']));
  });

  it('pass shellcheck', () => {
    const result = spawnSync(binaryPath(binaries.shellcheck), shellScripts(), {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
