import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../../../catalog/metrics.ts';
import { tlsCertificateNotAfter, tlsReloads } from '../../../catalog/metrics/certificates.ts';

import { startEmbeddingsStub, type EmbeddingsStub } from '../../support/embeddings-stub.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';
import {
  declaredShapes,
  exportedShapes,
  promtoolCheckMetrics,
  typedFamilies,
} from '../../support/exposition-checks.ts';

// Emitted only while the service serves HTTPS; test/integration/service/tls.test.ts covers them.
const httpsOnly = new Set<string>([tlsReloads.name, tlsCertificateNotAfter.name]);

describe('the service /metrics against the catalog (real PostgreSQL and Redis, Qdrant and embeddings stubs)', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let qdrant: QdrantStub;
  let embeddings: EmbeddingsStub;
  let service: TestService;
  let scrape: string;

  beforeAll(async () => {
    [postgres, redis, qdrant, embeddings] = await Promise.all([
      startPostgres(),
      startRedis(),
      startQdrantStub(),
      startEmbeddingsStub(384),
    ]);
    service = await startTestService({
      env: {
        AIDB_PROFILE: 'external',
        DATABASE_URL: await postgres.createDatabase('aidb_metrics'),
        REDIS_URL: redis.url,
        QDRANT_URL: qdrant.url,
        EMBEDDINGS_URL: embeddings.url,
        AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '20',
      },
    });
    // Every route, then errors of every kind: invalid input, no key, wrong scope, over budget.
    const read = bearer(testKeys.read);
    for (const route of service.routes) {
      const path = route.path.replace(/:name/, 'kb').replace(/:id/, 'doc-1');
      await service.request(route.method, path, route.method === 'GET' ? undefined : {});
    }
    await service.request('PUT', '/v1/collections/kb', {});
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [{ id: 'doc-1', content: 'tea is steeped', expires_at: '2000-01-01T00:00:00Z' }],
    });
    await service.request('POST', '/v1/collections/kb/documents', { documents: [{ content: '' }] });
    await service.request('POST', '/v1/collections/kb/documents', '{"broken');
    await service.request('GET', '/v1/collections', undefined, { authorization: '' });
    await service.request('PUT', '/v1/collections/x', {}, read);
    await service.request('GET', '/v1/collections', undefined, bearer('aidb_wrong'));
    for (let i = 0; i < 25; i += 1)
      await service.request('POST', '/v1/collections/kb/search', { query: 'tea' }, read);
    await service.request('POST', '/v1/admin/gc', { dry_run: false });
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    await waitFor('a GC sample', async () =>
      (await service.request('GET', '/metrics')).text.includes('nodejs_gc_duration_seconds_count'),
    );
    scrape = (await service.request('GET', '/metrics')).text;
  }, 180_000);
  afterAll(async () => {
    await service.stop();
    await Promise.all([postgres.close(), redis.close(), qdrant.close(), embeddings.close()]);
  });

  it('exports every service catalog entry with its declared type and label names', () => {
    const defs = metricsOf('service').filter((def) => !httpsOnly.has(def.name));
    expect(exportedShapes(scrape, defs)).toEqual(declaredShapes(defs));
  });

  it('exports nothing the catalog does not declare, target_info included', () => {
    const declared = new Set(metricsOf('service').map((def) => def.name));
    const undeclared = typedFamilies(scrape).filter((name) => !declared.has(name));
    expect(undeclared).toEqual([]);
    expect(declared).toContain('target_info');
  });

  it('puts no otel_scope_* label on any series', () => {
    expect(scrape).toContain('http_server_request_duration_seconds_bucket{');
    expect(scrape).not.toContain('otel_scope');
  });

  it('passes `promtool check metrics`', async () => {
    expect(await promtoolCheckMetrics(scrape)).toEqual({ code: 0, output: '' });
  });
});
