import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalKey } from '../../lib/local-key.ts';
import { cliPath } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

/** `aidb up` as `npm start` runs it, in its own process, until `stop()`. */
async function up(dataDir: string, port: number) {
  const child = spawn(process.execPath, [cliPath, 'up'], {
    env: { PATH: process.env.PATH ?? '', AIDB_DATA_DIR: dataDir, AIDB_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('aidb up to serve', async () => (await fetch(`${url}/health/ready`)).ok, {
    timeoutMs: 60_000,
  });
  return {
    url,
    // With no keys configured the service made a local admin key, as on a fresh install.
    key: readLocalKey(dataDir) ?? '',
    output: () => output,
    async stop(): Promise<number | null> {
      const exit = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = (await exit) as [number | null];
      return code;
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
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-up-'));
    port = await freePort();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, ingests and finds a document, and still has it after a restart', async () => {
    const first = await up(dataDir, port);
    expect(first.output()).toContain(
      `aidb up: service on http://127.0.0.1:${port} (profile embedded`,
    );
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
    expect(await first.stop()).toBe(0);

    const second = await up(dataDir, port);
    const again = await json(`${second.url}/v1/collections/notes/search`, second.key, 'POST', {
      query: 'bicycle chain oil',
    });
    expect(again.results[0].document_id).toBe('bikes');
    expect(await second.stop()).toBe(0);
    // No OTLP endpoint is configured: nothing may have tried to export traces anywhere.
    expect(`${first.output()}${second.output()}`).not.toMatch(
      /ECONNREFUSED|OTLPExporterError|4318/,
    );
  });
});
