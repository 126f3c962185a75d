import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';

describe('rate limits shared through Redis', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  const services: TestService[] = [];
  const start = async (env: Record<string, string>) => {
    const service = await startTestService({
      env: {
        AIDB_PROFILE: 'external',
        DATABASE_URL: postgres.urlFor('aidb_limits'),
        REDIS_URL: redis.url,
        AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '10',
        ...env,
      },
    });
    services.push(service);
    return service;
  };
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    await postgres.createDatabase('aidb_limits');
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([postgres.close(), redis.close()]);
  });

  it('two instances never admit more than the budget of one key between them', async () => {
    const [a, b] = [await start({}), await start({})];
    await a.request('PUT', '/v1/collections/kb', {});
    const key = bearer(testKeys.read);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(
          'POST',
          '/v1/collections/kb/search',
          { query: `q${String(i)}` },
          key,
        ),
      ),
    );
    const admitted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const response of refused) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('rate_limited');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('ratelimit-policy')).toBe('"search";q=10;w=60');
      expect(response.headers.get('ratelimit')).toMatch(/^"search";r=0;t=\d+$/);
    }
    // Another key has its own budget.
    const other = await b.request('POST', '/v1/collections/kb/search', { query: 'x' });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toMatch(/^"search";r=9;t=\d+$/);
  });

  it('with Redis down, `closed` refuses with 503 and `open` admits, and both recover', async () => {
    const closed = await start({ AIDB_RATE_LIMIT_WHEN_REDIS_DOWN: 'closed' });
    const open = await start({ AIDB_RATE_LIMIT_WHEN_REDIS_DOWN: 'open' });
    await redis.kill();
    try {
      const refused = await closed.request('GET', '/v1/collections');
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('dependency_unavailable');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await open.request('GET', '/v1/collections')).status).toBe(200);
    } finally {
      await redis.start();
    }
    await waitFor(
      'the closed instance to admit again',
      async () => (await closed.request('GET', '/v1/collections')).status === 200,
      { timeoutMs: 15_000 },
    );
  });
});
