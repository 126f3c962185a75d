import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listensOn } from '../../../lib/port-owner.ts';
import { makeCertificate } from '../../support/certificates.ts';
import { runCli } from '../../support/cli.ts';
import { freePort } from '../../support/ports.ts';
import { startTestService, type TestService } from '../../support/service.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The HEALTHCHECK command of the Containerfile, as the container runtime runs it. */
function healthcheckCommand(): string[] {
  const text = readFileSync(join(root, 'Containerfile'), 'utf8').replace(/\\\n/g, ' ');
  const cmd = /^HEALTHCHECK .*? CMD (\[.*\])\s*$/m.exec(text)?.[1];
  if (cmd === undefined) throw new Error('no HEALTHCHECK … CMD [..] in the Containerfile');
  return JSON.parse(cmd) as string[];
}

function runHealthcheck(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const [, ...args] = healthcheckCommand();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout });
      },
    );
  });
}

/** Something else on a port, answering 200 to everything, like another aidb would. */
async function impostor(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the image HEALTHCHECK', () => {
  let dir: string;
  let tls: TestService;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-healthcheck-'));
    const day = 86_400_000;
    const certificate = await makeCertificate(
      new Date(Date.now() - day),
      new Date(Date.now() + 20 * day),
    );
    await writeFile(join(dir, 'key.pem'), certificate.keyPem);
    await writeFile(join(dir, 'cert.pem'), certificate.certPem);
    tls = await startTestService({
      env: { AIDB_TLS_CERT_FILE: join(dir, 'cert.pem'), AIDB_TLS_KEY_FILE: join(dir, 'key.pem') },
    });
  });
  afterAll(async () => {
    await tls.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes against a service that serves HTTPS only', async () => {
    const port = new URL(tls.url).port;
    const result = await runHealthcheck({
      AIDB_PORT: port,
      AIDB_TLS_CERT_FILE: join(dir, 'cert.pem'),
      AIDB_TLS_KEY_FILE: join(dir, 'key.pem'),
    });
    expect(result).toEqual({ code: 0, stdout: `https://127.0.0.1:${port}/health/live: live\n` });
  });

  it('fails when nothing answers', async () => {
    const result = await runHealthcheck({ AIDB_PORT: String(await freePort()) });
    expect(result.code).toBe(1);
  });
});

describe('aidb up with an address already taken', () => {
  it('refuses with one line naming AIDB_PORT, and never says ready when another server answers there', async () => {
    const other = await impostor();
    const dataDir = await mkdtemp(join(tmpdir(), 'aidb-up-busy-'));
    try {
      const { code, stdout, stderr } = await runCli(['up'], {
        AIDB_DATA_DIR: dataDir,
        AIDB_PORT: String(other.port),
        AIDB_AGENT_PORT: String(await freePort()),
      });
      expect(stdout).not.toContain('ready');
      expect({ code, stderr }).toEqual({
        code: 80,
        stderr: `aidb: up: service: port ${other.port} is already in use (127.0.0.1:${other.port}); set AIDB_PORT to a free port; nothing was started\n`,
      });
    } finally {
      other.server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses with one line naming AIDB_AGENT_PORT, with no stack trace', async () => {
    const other = await impostor();
    const dataDir = await mkdtemp(join(tmpdir(), 'aidb-up-busy-'));
    try {
      const { code, stdout, stderr } = await runCli(['up'], {
        AIDB_DATA_DIR: dataDir,
        AIDB_PORT: String(await freePort()),
        AIDB_AGENT_PORT: String(other.port),
      });
      expect(stdout).not.toContain('ready');
      expect({ code, stderr }).toEqual({
        code: 80,
        stderr: `aidb: up: agent: port ${other.port} is already in use (127.0.0.1:${other.port}); set AIDB_AGENT_PORT to a free port; nothing was started\n`,
      });
    } finally {
      other.server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('`aidb agent` alone reports a busy port in one line naming AIDB_AGENT_PORT', async () => {
    const other = await impostor();
    const dataDir = await mkdtemp(join(tmpdir(), 'aidb-agent-busy-'));
    try {
      const { code, stderr } = await runCli(['agent'], {
        AIDB_DATA_DIR: dataDir,
        AIDB_AGENT_PORT: String(other.port),
        AIDB_AGENT_DEFAULT_TARGETS: 'false',
      });
      expect({ code, stderr }).toEqual({
        code: 80,
        stderr: `aidb: agent: port ${other.port} is already in use (127.0.0.1:${other.port}); set AIDB_AGENT_PORT to a free port\n`,
      });
    } finally {
      other.server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('which process listens on a port (Linux /proc)', () => {
  it('tells the listening process from one that is not', async () => {
    const other = await impostor();
    const sleeper = spawn('sleep', ['30']);
    try {
      expect(await listensOn(process.pid, other.port)).toBe(true);
      expect(await listensOn(sleeper.pid ?? 0, other.port)).toBe(false);
      expect(await listensOn(process.pid, await freePort())).toBe(false);
    } finally {
      sleeper.kill();
      await once(sleeper, 'exit');
      other.server.close();
    }
  });
});
