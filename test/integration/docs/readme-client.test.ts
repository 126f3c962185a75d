import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, testKeys, type TestService } from '../../support/service.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The README's typed-client example, as a reader copies it. */
async function example(): Promise<string> {
  const readme = await readFile(`${root}/README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### Typed client'));
  return /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
}

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('the README’s typed client example', () => {
  it('runs as written against a live service and prints what its comments say', async () => {
    const code = await example();
    expect(code).toContain("from 'aidb/client'");
    // Run from the checkout, so `aidb/client` resolves to the package itself.
    const output = await new Promise<{ error: Error | null; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['--input-type=module-typescript', '-e', code],
          {
            cwd: root,
            env: { PATH: process.env.PATH ?? '', AIDB_URL: service.url, AIDB_KEY: testKeys.admin },
          },
          (error, stdout, stderr) => {
            resolve({ error, stdout, stderr });
          },
        );
      },
    );
    expect(output.stderr).toBe('');
    expect(output.stdout).toBe('a\n404 collection_not_found\n');
  });
});
