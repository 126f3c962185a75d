import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, testKeys, type TestService } from '../../support/service.ts';

/** Every route section of docs/api.md with the `sh` example under it, in page order. */
async function examples(): Promise<{ route: string; script: string }[]> {
  const page = await readFile(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  return page
    .split(/^### /m)
    .slice(1)
    .map((section) => ({
      route: section.split('\n')[0] ?? '',
      script: /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '',
    }));
}

function sh(script: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'sh',
      ['-ec', script],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

let service: TestService;
let cwd: string;
beforeAll(async () => {
  // The service runs inside the test process on a shared machine; a stalled event loop here is
  // the runner's, so liveness must not read it as the service's.
  service = await startTestService({ env: { AIDB_EVENT_LOOP_STALL_MS: '60000' } });
  cwd = await mkdtemp(join(tmpdir(), 'aidb-api-examples-'));
});
afterAll(async () => {
  await service.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe('docs/api.md examples', () => {
  it('has a curl example for every route', async () => {
    const all = await examples();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((e) => !e.script.includes('curl ')).map((e) => e.route)).toEqual([]);
  });

  it('runs every example, top to bottom, against a live service with curl', async () => {
    const env = { AIDB_URL: service.url, AIDB_KEY: testKeys.admin };
    const failed = [];
    for (const { route, script } of await examples()) {
      const run = await sh(script, cwd, env);
      if (run.code !== 0) failed.push({ route, code: run.code, stderr: run.stderr });
    }
    expect(failed).toEqual([]);
    // The search example found the document the ingest example stored.
    const found = await sh(
      (await examples()).find((e) => e.route === 'POST /v1/collections/{name}/search')?.script ??
        '',
      cwd,
      env,
    );
    expect(JSON.parse(found.stdout).results[0].document_id).toBe('tea');
  });
});
