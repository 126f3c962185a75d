import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAidbProcess } from '../../support/aidb-process.ts';

import { startEmbeddingsStub, type EmbeddingsStub } from '../../support/embeddings-stub.ts';

import { bearer, testKeys } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';

describe('SIGTERM during a slow request under load (`aidb serve` as a process)', () => {
  let embeddings: EmbeddingsStub;
  let dataDir: string;
  beforeAll(async () => {
    embeddings = await startEmbeddingsStub(384);
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-shutdown-'));
  });
  afterAll(async () => {
    await embeddings.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes the slow request, fails none it accepted, turns unready at once and exits 0', async () => {
    const service = await startAidbProcess({
      command: 'serve',
      portEnv: 'AIDB_PORT',
      env: {
        AIDB_DATA_DIR: dataDir,
        AIDB_LOG_LEVEL: 'warn',
        AIDB_API_KEYS: `test:admin:plain:${testKeys.admin}`,
        AIDB_RATE_LIMIT_READ_PER_MINUTE: '1000000',
        EMBEDDINGS_URL: embeddings.url,
        AIDB_SHUTDOWN_DRAIN_DELAY_MS: '1000',
      },
      readyPath: '/health/ready',
    });
    const { url } = service;
    const auth = bearer(testKeys.admin);

    embeddings.delayMs = 2_000;
    const slow = fetch(`${url}/v1/embed`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ texts: ['a slow one'] }),
    });
    const answered: number[] = [];
    const readiness: number[] = [];
    let refused = 0;
    let running = true;
    const load = async () => {
      while (running) {
        try {
          answered.push((await fetch(`${url}/v1/collections`, { headers: auth })).status);
          readiness.push((await fetch(`${url}/health/ready`)).status);
        } catch {
          // Refused at connect once the listener closed: never accepted, so not a failure.
          refused += 1;
          if (refused > 50) running = false;
        }
      }
    };
    const loaders = Array.from({ length: 4 }, load);
    await waitFor('the slow request to reach the embeddings server', () =>
      embeddings.requests.some((r) => r.input.includes('a slow one')),
    );
    const exited = service.stop();

    const slowResponse = await slow;
    expect(slowResponse.status).toBe(200);
    expect(((await slowResponse.json()) as { vectors: unknown[] }).vectors).toHaveLength(1);
    expect(await exited).toBe(0);
    running = false;
    await Promise.all(loaders);

    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter((status) => status !== 200)).toEqual([]);
    // Readiness went 503 while the service still answered, so load balancers could notice.
    expect(readiness).toContain(503);
  }, 180_000);
});
