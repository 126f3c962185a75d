import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceStamp, stampFile } from '../../../lib/build-stamp.ts';
import { agentKeyFile, readLocalKey } from '../../../lib/local-key.ts';
import { createManagedProcess, type ManagedProcess } from '../../support/managed-process.ts';
import { freePort } from '../../support/ports.ts';
import { waitFor } from '../../support/wait.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Inside the checkout (out/ is ignored), where the compiled code finds node_modules.
mkdirSync(join(root, 'out'), { recursive: true });
const dir = mkdtempSync(join(root, 'out', 'compiled-'));
const out = join(dir, 'build');
let agent: ManagedProcess;
let port: number;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build.ts'), out], { stdio: 'pipe' });
  port = await freePort();
  const config = join(dir, 'aidb.yaml');
  writeFileSync(
    config,
    dump({
      dataDir: join(dir, 'data'),
      logLevel: 'warn',
      agent: {
        port,
        defaultTargets: false,
        targets: [{ name: 'self', probe: 'tcp', options: { host: '127.0.0.1', port } }],
      },
    }),
  );
  agent = createManagedProcess({
    name: 'compiled agent',
    command: process.execPath,
    // Without type stripping Node refuses any .ts file: the agent must load none.
    args: ['--no-experimental-strip-types', join(out, 'bin/aidb.js'), 'agent', '--config', config],
    env: { PATH: process.env.PATH ?? '' },
    isReady: async () => (await fetch(`http://127.0.0.1:${String(port)}/health/ready`)).ok,
    readyTimeoutMs: 60_000,
  });
  await agent.start();
}, 120_000);

afterAll(async () => {
  await agent.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the compiled agent (npm run build)', () => {
  it('runs from JavaScript alone, probing and serving its metrics', async () => {
    const key = readLocalKey(join(dir, 'data'), agentKeyFile) ?? '';
    const success = /^probe_success\{.*target="self".*\} 1$/m;
    await waitFor('the first probe in /metrics', async () => {
      const response = await fetch(`http://127.0.0.1:${String(port)}/metrics`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return success.test(await response.text());
    });
  });

  it('records the sources it was compiled from', () => {
    expect(readFileSync(join(out, stampFile), 'utf8').trim()).toBe(sourceStamp(root));
  });
});
