import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupExitCodes } from '../../../lib/startup-failure.ts';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { cliPath, runCli, type CliResult } from '../../support/cli.ts';
import { freePort } from '../../support/ports.ts';

/**
 * `aidb serve` as a user starts it, on conditions the user caused: each must end at once with
 * one line naming the setting to change and its own exit status, never a stack trace or a hang.
 */
describe('aidb serve refuses what a setting can fix, in one line', () => {
  let scratch: string;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'aidb-serve-failures-'));
    busyPort = await freePort();
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(busyPort, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(scratch, { recursive: true, force: true });
  });

  const quiet = { AIDB_LOG_LEVEL: 'silent' };

  function expectOneLine(result: CliResult, exitCode: number, setting: string): void {
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: exitCode,
      stderr: expect.stringMatching(new RegExp(`^aidb: [^\\n]*${setting}[^\\n]*\\n$`)),
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }

  it('a port in use: exit 80, names AIDB_PORT', async () => {
    const result = await runCli(['serve'], {
      ...quiet,
      AIDB_DATA_DIR: join(scratch, 'port'),
      AIDB_PORT: String(busyPort),
    });
    expectOneLine(result, startupExitCodes.portInUse, 'AIDB_PORT');
    expect(result.stderr).toContain(`port ${String(busyPort)} is already in use`);
  });

  it('a TLS file that is missing or not PEM: exit 88, names AIDB_TLS_CERT_FILE', async () => {
    const garbage = join(scratch, 'garbage.pem');
    await writeFile(garbage, 'not PEM');
    for (const certFile of [join(scratch, 'missing.pem'), garbage]) {
      const result = await runCli(['serve'], {
        ...quiet,
        AIDB_DATA_DIR: join(scratch, 'tls'),
        AIDB_PORT: '0',
        AIDB_TLS_CERT_FILE: certFile,
        AIDB_TLS_KEY_FILE: garbage,
      });
      expectOneLine(result, startupExitCodes.tlsUnusable, 'AIDB_TLS_CERT_FILE');
      expect(result.stderr).toContain(certFile);
    }
  });

  it('a data directory that is a file: exit 85, names AIDB_DATA_DIR', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    for (const dir of [file, join(file, 'below')]) {
      const result = await runCli(['serve'], { ...quiet, AIDB_DATA_DIR: dir, AIDB_PORT: '0' });
      expectOneLine(result, startupExitCodes.dataDirNotDirectory, 'AIDB_DATA_DIR');
    }
  });

  it('a data directory under /proc: exit 86 at once, not a hang', async () => {
    for (const dir of ['/proc/aidb-data', '/proc/self']) {
      const result = await runCli(['serve'], { ...quiet, AIDB_DATA_DIR: dir, AIDB_PORT: '0' });
      expectOneLine(result, startupExitCodes.dataDirVirtual, 'AIDB_DATA_DIR');
      expect(result.stderr).toContain('proc');
    }
  });

  it('a data directory on a read-only filesystem: exit 83, names AIDB_DATA_DIR', async () => {
    const mountPoint = join(scratch, 'read-only');
    await mkdir(mountPoint);
    // A private mount namespace (unshare) holds a read-only tmpfs only this child sees.
    const script = `mount -t tmpfs -o ro none "$1" && exec "$2" "$3" serve`;
    const result = await new Promise<CliResult>((resolve) => {
      execFile(
        binaryPath(binaries.unshare),
        ['-r', '-m', 'sh', '-c', script, 'sh', mountPoint, process.execPath, cliPath],
        {
          env: {
            PATH: process.env.PATH ?? '',
            ...quiet,
            AIDB_DATA_DIR: join(mountPoint, 'data'),
            AIDB_PORT: '0',
          },
          timeout: 30_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
    expectOneLine(result, startupExitCodes.dataDirReadOnly, 'AIDB_DATA_DIR');
  });
});
