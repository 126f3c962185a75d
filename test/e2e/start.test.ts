import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKeyFile, readLocalKey } from '../../lib/local-key.ts';
import { makeCertificate } from '../support/certificates.ts';
import { cliPath } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `aidb up` as `npm start` runs it, in its own process, until its banner says it is ready. */
async function up(
  dataDir: string,
  port: number,
  agentPort: number,
  env: Record<string, string> = {},
) {
  const child = spawn(process.execPath, [cliPath, 'up'], {
    // Its own process group, so a test can send Ctrl-C to all of it as a terminal does.
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      AIDB_DATA_DIR: dataDir,
      AIDB_PORT: String(port),
      AIDB_AGENT_PORT: String(agentPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await waitFor(
    'aidb up to print where everything is',
    () => output.includes('Ctrl-C stops both'),
    {
      timeoutMs: 90_000,
    },
  );
  const pid = (line: RegExp): number => Number(line.exec(output)?.[1]);
  return {
    url: `http://127.0.0.1:${port}`,
    agentUrl: `http://127.0.0.1:${agentPort}`,
    pids: {
      service: pid(/^ {2}API .*pid (\d+)\)$/m),
      agent: pid(/^ {2}agent status .*pid (\d+)\)$/m),
    },
    // With no keys configured the service made a local admin key, as on a fresh install.
    key: readLocalKey(dataDir) ?? '',
    output: () => output,
    exited,
    async stop(): Promise<number | null> {
      child.kill('SIGINT');
      return exited;
    },
    /** Ctrl-C at the terminal: SIGINT to up and to both children at once. */
    ctrlC(): void {
      process.kill(-(child.pid ?? 0), 'SIGINT');
    },
  };
}

async function json(url: string, key: string, method: string, body?: unknown): Promise<any> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

describe('npm start (aidb up) on the embedded profile', () => {
  let dataDir: string;
  let port: number;
  let agentPort: number;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-up-'));
    port = await freePort();
    agentPort = await freePort();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, ingests and finds a document, and still has it after a restart', async () => {
    const first = await up(dataDir, port, agentPort);
    expect(first.output()).toContain('aidb up: ready (profile embedded)');
    for (const where of [
      `API           http://127.0.0.1:${port}`,
      `metrics       http://127.0.0.1:${port}/metrics (service), http://127.0.0.1:${agentPort}/metrics (agent)`,
      `agent status  http://127.0.0.1:${agentPort}/status`,
      `data dir      ${dataDir}`,
      'aidb generate --out out',
    ]) {
      expect(first.output()).toContain(where);
    }
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${first.agentUrl}/status`)).status).toBe(401);
    const agentKey = readLocalKey(dataDir, agentKeyFile);
    expect(first.output()).toContain(`agent key     ${join(dataDir, agentKeyFile)}`);
    expect(
      (
        await fetch(`${first.agentUrl}/status`, {
          headers: { authorization: `Bearer ${agentKey ?? ''}` },
        })
      ).status,
    ).toBe(200);
    expect(first.output()).toMatch(/^service\s*\| /m);
    expect(first.output()).toMatch(/^agent\s*\| /m);
    await json(`${first.url}/v1/collections/notes`, first.key, 'PUT', { description: 'notes' });
    await json(`${first.url}/v1/collections/notes/documents`, first.key, 'POST', {
      documents: [
        { id: 'tea', content: 'Green tea is steeped at 80 degrees for two minutes.' },
        { id: 'bikes', content: 'Bicycle chains need oil every few hundred kilometres.' },
      ],
    });
    const found = await json(`${first.url}/v1/collections/notes/search`, first.key, 'POST', {
      query: 'how long to steep green tea',
    });
    expect(found.results[0].document_id).toBe('tea');
    expect(await first.stop(), first.output()).toBe(0);

    const second = await up(dataDir, port, agentPort);
    const again = await json(`${second.url}/v1/collections/notes/search`, second.key, 'POST', {
      query: 'bicycle chain oil',
    });
    expect(again.results[0].document_id).toBe('bikes');
    expect(await second.stop(), second.output()).toBe(0);
    expect([first.pids, second.pids].flatMap((p) => [p.service, p.agent]).map(isAlive)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // No OTLP endpoint is configured: nothing may have tried to export traces anywhere.
    expect(`${first.output()}${second.output()}`).not.toMatch(
      /ECONNREFUSED|OTLPExporterError|4318/,
    );
  });

  it('on Ctrl-C says it drains and exits 0; a second Ctrl-C stops everything at once with 130', async () => {
    const once = await up(dataDir, port, agentPort);
    once.ctrlC();
    expect(await once.exited, once.output()).toBe(0);
    expect(once.output()).toContain('aidb up: draining (5 s), Ctrl-C again to stop now');

    const twice = await up(dataDir, port, agentPort);
    twice.ctrlC();
    await waitFor('the drain notice', () => twice.output().includes('Ctrl-C again'));
    twice.ctrlC();
    expect(await twice.exited, twice.output()).toBe(130);
    // The service never finished its 5 s drain: it was stopped, not waited for.
    expect(twice.output()).not.toContain('shutdown complete');
    expect([twice.pids.service, twice.pids.agent].map(isAlive)).toEqual([false, false]);
  });

  it('stops the service and exits non-zero when the agent dies', async () => {
    const running = await up(dataDir, port, agentPort);
    process.kill(running.pids.agent, 'SIGKILL');
    const code = await running.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(running.output()).toContain(
      'aidb up: agent exited unexpectedly (SIGKILL); stopping the others',
    );
    expect(isAlive(running.pids.service)).toBe(false);
  });

  it('waits for its own service over HTTPS when TLS is configured, and shows https URLs', async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), 'aidb-up-tls-'));
    const day = 86_400_000;
    const certificate = await makeCertificate(
      new Date(Date.now() - day),
      new Date(Date.now() + 20 * day),
    );
    await writeFile(join(tlsDir, 'cert.pem'), certificate.certPem);
    await writeFile(join(tlsDir, 'key.pem'), certificate.keyPem);
    try {
      const running = await up(join(tlsDir, 'data'), port, agentPort, {
        AIDB_TLS_CERT_FILE: join(tlsDir, 'cert.pem'),
        AIDB_TLS_KEY_FILE: join(tlsDir, 'key.pem'),
      });
      expect(running.output()).toContain(
        `API           https://127.0.0.1:${port}  (OpenAPI: https://127.0.0.1:${port}/openapi.json`,
      );
      expect(running.output()).toContain(`health        https://127.0.0.1:${port}/health/ready`);
      expect(await running.stop(), running.output()).toBe(0);
    } finally {
      await rm(tlsDir, { recursive: true, force: true });
    }
  });
});
