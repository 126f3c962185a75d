import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';
import { parseExposition } from '../../support/exposition.ts';

// Short windows so each fault shows within seconds; the logic is the production one.
const faultEnv = {
  AIDB_READY_CACHE_MS: '200',
  AIDB_HEALTH_CHECK_TIMEOUT_MS: '500',
  AIDB_BREAKER_VOLUME_THRESHOLD: '3',
  AIDB_BREAKER_WINDOW_MS: '5000',
  AIDB_BREAKER_RESET_MS: '1000',
  AIDB_QDRANT_TIMEOUT_MS: '300',
  AIDB_DATABASE_CONNECT_TIMEOUT_MS: '500',
};

async function documentIds(service: TestService, collection: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await service.request(
      'GET',
      `/v1/collections/${collection}/documents?limit=100${query}`,
    );
    expect(page.status).toBe(200);
    ids.push(...(page.body.documents as { id: string }[]).map((d) => d.id));
    cursor = page.body.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids.sort();
}

async function rateLimitBackends(service: TestService): Promise<Set<string>> {
  const scrape = await service.request('GET', '/metrics');
  const family = parseExposition(scrape.text).get('aidb_rate_limit_decisions_total');
  return new Set(
    (family?.samples ?? [])
      .filter((s) => s.labels.decision === 'allowed' && s.value > 0)
      .map((s) => s.labels.backend ?? ''),
  );
}

describe('fault matrix: real PostgreSQL and Redis, Qdrant contract stub', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let qdrant: QdrantStub;
  let service: TestService;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    qdrant = await startQdrantStub();
    service = await startTestService({
      env: {
        AIDB_PROFILE: 'external',
        DATABASE_URL: await postgres.createDatabase('aidb_faults'),
        REDIS_URL: redis.url,
        QDRANT_URL: qdrant.url,
        ...faultEnv,
      },
    });
    expect((await service.request('PUT', '/v1/collections/kb', {})).status).toBe(201);
    const seed = await service.request('POST', '/v1/collections/kb/documents', {
      documents: [
        { id: 'tea', content: 'Green tea is steeped at 80 degrees.' },
        { id: 'oil', content: 'Bicycle chains need oil.' },
      ],
    });
    expect(seed.status).toBe(200);
  });
  afterAll(async () => {
    await service.stop();
    await qdrant.close();
    await Promise.all([postgres.close(), redis.close()]);
  });

  it('PostgreSQL stopped: not ready within 2 s, alive throughout, 503 with Retry-After, back without restart, no acknowledged write lost', async () => {
    const acknowledged = new Set(await documentIds(service, 'kb'));
    const writing = { on: true };
    let written = 0;
    const writer = (async () => {
      while (writing.on) {
        written += 1;
        const id = `w${String(written)}`;
        const response = await service.request('POST', '/v1/collections/kb/documents', {
          documents: [{ id, content: `write number ${String(written)}` }],
        });
        if (response.status === 200) acknowledged.add(id);
        else {
          expect(response.status).toBe(503);
          expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        }
      }
    })();

    await postgres.stop();
    const stoppedAt = Date.now();
    const live: number[] = [];
    await waitFor(
      'readiness to fail',
      async () => {
        live.push((await service.request('GET', '/health/live')).status);
        return (await service.request('GET', '/health/ready')).status === 503;
      },
      { timeoutMs: 2_000 },
    );
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    const ready = await service.request('GET', '/health/ready');
    expect(ready.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(ready.body.status).toBe('unhealthy');
    expect(ready.text).not.toContain('postgresql://');

    const search = await service.request('POST', '/v1/collections/kb/search', { query: 'tea' });
    expect(search.status).toBe(503);
    expect(search.body.code).toBe('dependency_unavailable');
    expect(Number(search.headers.get('retry-after'))).toBeGreaterThan(0);

    await postgres.start();
    await waitFor(
      'readiness to return',
      async () => {
        live.push((await service.request('GET', '/health/live')).status);
        return (await service.request('GET', '/health/ready')).status === 200;
      },
      { timeoutMs: 30_000 },
    );
    writing.on = false;
    await writer;
    expect(new Set(live)).toEqual(new Set([200]));
    const stored = new Set(await documentIds(service, 'kb'));
    for (const id of acknowledged) expect(stored.has(id), `acknowledged ${id}`).toBe(true);
    expect(
      (await service.request('POST', '/v1/collections/kb/search', { query: 'tea' })).status,
    ).toBe(200);
  });

  it('Redis killed: keeps serving, readiness degraded, rate limits fall back to memory, recovers', async () => {
    await redis.kill();
    await waitFor(
      'readiness to turn degraded',
      async () => (await service.request('GET', '/health/ready')).body.status === 'degraded',
      { timeoutMs: 10_000 },
    );
    expect((await service.request('GET', '/health/ready')).status).toBe(200);
    const search = await service.request('POST', '/v1/collections/kb/search', { query: 'oil' });
    expect(search.status).toBe(200);
    expect(search.headers.get('ratelimit')).toMatch(/^"search";r=\d+;t=\d+$/);
    expect(await rateLimitBackends(service)).toContain('memory');

    await redis.start();
    await waitFor(
      'readiness to be healthy',
      async () => (await service.request('GET', '/health/ready')).body.status === 'healthy',
      { timeoutMs: 15_000 },
    );
    const before = await service.request('GET', '/metrics');
    const redisAllowed = (text: string) =>
      parseExposition(text)
        .get('aidb_rate_limit_decisions_total')
        ?.samples.filter((s) => s.labels.backend === 'redis' && s.labels.decision === 'allowed')
        .reduce((sum, s) => sum + s.value, 0) ?? 0;
    expect(
      (await service.request('POST', '/v1/collections/kb/search', { query: 'oil' })).status,
    ).toBe(200);
    const after = await service.request('GET', '/metrics');
    expect(redisAllowed(after.text)).toBeGreaterThan(redisAllowed(before.text));
  });

  it('Qdrant down: the breaker opens, vector routes 503, document reads fine, closes after recovery', async () => {
    qdrant.faults.unavailable = true;
    // The breaker opens once failures pass the error percentage of its rolling window (5 s here),
    // which still holds the successes of the tests before: how many calls that takes depends on
    // how fast this machine ran them. Every failed call meanwhile is a 503.
    const statuses = new Set<number>();
    let searches = 0;
    await waitFor(
      'the Qdrant breaker to open',
      async () => {
        const search = { query: `tea ${String((searches += 1))}` };
        statuses.add((await service.request('POST', '/v1/collections/kb/search', search)).status);
        const detailed = await service.request('GET', '/health/detailed');
        return detailed.body.details.circuit_breakers.qdrant === 'open';
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect(statuses).toEqual(new Set([503]));
    const open = await service.request('POST', '/v1/collections/kb/search', { query: 'open' });
    expect(open.status).toBe(503);
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await service.request('GET', '/v1/collections/kb/documents/tea')).status).toBe(200);
    // Readiness answers from a result up to AIDB_READY_CACHE_MS old, which may predate the fault.
    await waitFor(
      'readiness to fail',
      async () => (await service.request('GET', '/health/ready')).status === 503,
      { timeoutMs: 2_000, intervalMs: 50 },
    );
    expect((await service.request('GET', '/health/live')).status).toBe(200);

    qdrant.faults.unavailable = false;
    await waitFor(
      'the breaker to close again',
      async () =>
        (await service.request('POST', '/v1/collections/kb/search', { query: 'tea' })).status ===
        200,
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    const states = (await service.request('GET', '/health/detailed')).body.details.circuit_breakers;
    expect(states.qdrant).toBe('closed');
    const scrape = parseExposition((await service.request('GET', '/metrics')).text);
    const transitions = scrape.get('aidb_circuit_breaker_transitions_total')?.samples ?? [];
    const moved = (state: string) =>
      transitions.find((s) => s.labels.dependency === 'qdrant' && s.labels.state === state)
        ?.value ?? 0;
    expect(moved('open')).toBeGreaterThan(0);
    expect(moved('half_open')).toBeGreaterThan(0);
    expect(moved('closed')).toBeGreaterThan(0);
  });

  it('Qdrant slow: calls are cut at their timeout and fail as 503', async () => {
    qdrant.faults.latencyMs = 2_000;
    try {
      // A query never asked before: a cached result would not reach Qdrant.
      const response = await service.request('POST', '/v1/collections/kb/search', {
        query: 'slow lane',
      });
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('dependency_unavailable');
    } finally {
      qdrant.faults.latencyMs = 0;
    }
  });
});
