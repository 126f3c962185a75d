import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AidbProcess } from '../../support/aidb-process.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { call, startServe } from '../../support/serve-process.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * Every dependency down when `aidb serve` starts, then started: the process must listen and stay
 * live, say through its probes why it is not ready, refuse API calls with 503 and Retry-After,
 * and become ready by itself when the dependency comes. Real PostgreSQL 15 and Redis 7, stopped
 * and started by the test; Qdrant is its contract stub.
 */
describe('boot order: a dependency down at start-up, then started', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let qdrant: QdrantStub;
  let databases = 0;
  const services: AidbProcess[] = [];
  beforeAll(async () => {
    [postgres, redis, qdrant] = await Promise.all([
      startPostgres(),
      startRedis(),
      startQdrantStub(),
    ]);
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all([postgres.close(), redis.close(), qdrant.close()]);
  });

  /** A fresh database, then `aidb serve` on it; PostgreSQL stopped first when asked. */
  async function serve(
    env: Record<string, string>,
    { postgresDown = false } = {},
  ): Promise<AidbProcess> {
    databases += 1;
    if (!(await postgres.isRunning())) await postgres.start();
    const url = await postgres.createDatabase(`boot_${String(databases)}`);
    if (postgresDown) await postgres.stop();
    const service = await startServe({
      AIDB_PROFILE: 'external',
      DATABASE_URL: url,
      REDIS_URL: redis.url,
      ...env,
    });
    services.push(service);
    return service;
  }

  const ready = (service: AidbProcess) => async () =>
    (await call(service.url, 'GET', '/health/ready')).status === 200;

  it('PostgreSQL down: listens, live, not started nor ready with the reason, API 503 with Retry-After; ready once PostgreSQL starts', async () => {
    const service = await serve({}, { postgresDown: true });
    const live = await call(service.url, 'GET', '/health/live');
    expect(live.status).toBe(200);
    await waitFor('the first attempt to fail', async () => {
      const startup = await call(service.url, 'GET', '/health/startup');
      return /ECONNREFUSED/.test(startup.body.message);
    });
    for (const probe of ['/health/startup', '/health/ready']) {
      const answer = await call(service.url, 'GET', probe);
      expect(answer.status, probe).toBe(503);
      expect(answer.headers.get('retry-after'), probe).toMatch(/^\d+$/);
      expect(answer.body.message, probe).toMatch(/^aidb is starting: postgres: ECONNREFUSED/);
    }
    const api = await call(service.url, 'GET', '/v1/collections');
    expect(api.status).toBe(503);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(api.body.code).toBe('starting');
    expect(api.body.detail).toMatch(/postgres/);
    // Embedding needs no database: it is served while the store is still out of reach.
    expect((await call(service.url, 'POST', '/v1/embed', { texts: ['hello'] })).status).toBe(200);

    await postgres.start();
    await waitFor('readiness once PostgreSQL runs', ready(service), { timeoutMs: 30_000 });
    expect((await call(service.url, 'GET', '/health/startup')).status).toBe(200);
    expect((await call(service.url, 'PUT', '/v1/collections/kb', {})).status).toBe(201);
    expect((await call(service.url, 'GET', '/v1/collections/kb')).status).toBe(200);
    expect(service.running).toBe(true);
  });

  it('Redis down: started and ready, degraded, serving; healthy once Redis starts', async () => {
    await redis.stop();
    const service = await serve({});
    await waitFor('start-up without Redis', async () => {
      return (await call(service.url, 'GET', '/health/startup')).status === 200;
    });
    const degraded = await call(service.url, 'GET', '/health/ready');
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect((await call(service.url, 'PUT', '/v1/collections/kb', {})).status).toBe(201);

    await redis.start();
    await waitFor('readiness healthy once Redis runs', async () => {
      return (await call(service.url, 'GET', '/health/ready')).body.status === 'healthy';
    });
    expect(service.running).toBe(true);
  });

  it('Qdrant down (contract stub): live, not ready with the reason; ready once it answers', async () => {
    qdrant.faults.unavailable = true;
    const service = await serve({ QDRANT_URL: qdrant.url });
    expect((await call(service.url, 'GET', '/health/live')).status).toBe(200);
    await waitFor('start-up to name Qdrant', async () => {
      const startup = await call(service.url, 'GET', '/health/startup');
      return startup.status === 503 && /qdrant/.test(startup.body.message);
    });
    expect((await call(service.url, 'GET', '/health/ready')).status).toBe(503);

    qdrant.faults.unavailable = false;
    await waitFor('readiness once Qdrant answers', ready(service), { timeoutMs: 30_000 });
    expect((await call(service.url, 'PUT', '/v1/collections/kb', {})).status).toBe(201);
    expect(service.running).toBe(true);
  });
});
