import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { cliPath, runCli } from '../../support/cli.ts';

/** Runs the file itself, as a shell would, with only the system directories on PATH. */
function launch(path: string, args: readonly string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(path, args, { env: { PATH: '/usr/bin:/bin' } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('launching aidb', () => {
  it('prints the version of package.json with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await runCli([flag])).toEqual({
        code: 0,
        stdout: `${packageJson.version}\n`,
        stderr: '',
      });
    }
  });

  it('is committed executable, so a checkout stays clean after npm ci', () => {
    const staged = execFileSync('git', ['ls-files', '--stage', 'bin/aidb.ts'], {
      cwd: join(cliPath, '../..'),
      encoding: 'utf8',
    });
    expect(staged).toMatch(/^100755 /);
    expect(statSync(cliPath).mode & 0o111).toBe(0o111);
  });

  it('runs directly under the checkout’s pinned Node whatever node is first on PATH', async () => {
    expect(await launch(cliPath, ['--version'])).toEqual({
      code: 0,
      stdout: `${packageJson.version}\n`,
      stderr: '',
    });
  });

  it('names the Node it needs in one line when only an older Node is at hand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aidb-launch-'));
    dirs.push(dir);
    await mkdir(join(dir, 'bin'));
    await copyFile(cliPath, join(dir, 'bin/aidb.ts'));
    const { code, stdout, stderr } = await launch(join(dir, 'bin/aidb.ts'), ['--version']);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(
      /^aidb: needs Node\.js 24 \(found (v2[0-3]\.\d+\.\d+|no node)\); run `npx aidb` in the checkout or put Node\.js 24 first on PATH\n$/,
    );
  });
});
