import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileStrings } from '../../support/hostile-corpus.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { waitFor } from '../../support/wait.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';

interface Attack {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const e = encodeURIComponent;
const ascii = (p: string) => p.replace(/[^\x20-\x7e]/g, '?');

/** Every route and field a payload can reach: path, query, body fields, raw body, headers. */
function attacksWith(p: string): Attack[] {
  // Appended to the victim's names, the empty string would make a legitimate delete.
  const appended: Attack[] =
    p === ''
      ? []
      : [
          { method: 'DELETE', path: `/v1/collections/victim${e(p)}` },
          { method: 'DELETE', path: `/v1/collections/victim/documents/${e(`a1${p}`)}` },
        ];
  return [
    ...appended,
    { method: 'PUT', path: `/v1/collections/${e(p)}`, body: {} },
    { method: 'GET', path: `/v1/collections/victim/documents/${e(p)}` },
    { method: 'GET', path: `/v1/collections/victim/documents?limit=${e(p)}&cursor=${e(p)}` },
    { method: 'PUT', path: '/v1/collections/playground', body: { description: p } },
    {
      method: 'POST',
      path: '/v1/collections/playground/documents',
      body: { documents: [{ id: p, title: p, content: p, metadata: { [p]: p }, source: p }] },
    },
    {
      method: 'POST',
      path: '/v1/collections/victim/search',
      body: { query: p, filter: { [p]: p }, cursor: p.length > 0 ? p : undefined },
    },
    { method: 'POST', path: '/v1/embed', body: { texts: [p] } },
    { method: 'POST', path: '/v1/collections/playground/documents', body: p },
    { method: 'POST', path: '/vector/search', body: { query: p, collection: p } },
    {
      method: 'GET',
      path: '/v1/collections',
      // Header values can only carry visible ASCII; fetch refuses anything else before sending.
      headers: { ...bearer(`aidb_${ascii(p)}`), 'x-request-id': ascii(p) },
    },
  ];
}

// Mutations of valid requests: each field replaced by any JSON value fast-check can make.
const anyJson = fc.jsonValue();
const mutatedRequests = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/v1/collections/playground/documents'),
    body: fc.record({
      documents: fc.oneof(
        anyJson,
        fc.array(
          fc.record(
            {
              id: anyJson,
              title: anyJson,
              content: fc.oneof(fc.string({ unit: 'binary' }), anyJson),
              metadata: anyJson,
              source: anyJson,
              expires_at: anyJson,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      ),
    }),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/v1/collections/victim/search'),
    body: fc.record(
      {
        query: fc.oneof(fc.string({ unit: 'binary' }), anyJson),
        vector: anyJson,
        limit: anyJson,
        min_score: anyJson,
        filter: anyJson,
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/v1/admin/gc'),
    body: fc.record({ dry_run: anyJson, collection: anyJson }, { requiredKeys: [] }),
  }),
  fc.record({
    method: fc.constant('PUT'),
    path: fc.constant('/v1/collections/playground'),
    body: anyJson,
  }),
);

async function send(service: TestService, attack: Attack): Promise<number> {
  const headers = { ...bearer(testKeys.admin), ...attack.headers };
  return (await service.request(attack.method, attack.path, attack.body, headers)).status;
}

/** Everything stored in the victim collection, as the API returns it. */
async function victimState(service: TestService): Promise<string> {
  const collection = await service.request('GET', '/v1/collections/victim');
  const list = await service.request('GET', '/v1/collections/victim/documents?limit=100');
  const documents = await Promise.all(
    (list.body.documents as { id: string }[]).map(
      async (d) =>
        (await service.request('GET', `/v1/collections/victim/documents/${e(d.id)}`)).text,
    ),
  );
  return JSON.stringify([collection.text, list.text, documents]);
}

describe('hostile input (naughty strings, wfuzz SQL/XSS lists, fast-check mutations)', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let service: TestService;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    service = await startTestService({
      env: {
        AIDB_PROFILE: 'external',
        DATABASE_URL: await postgres.createDatabase('aidb_hostile'),
        REDIS_URL: redis.url,
      },
    });
    await service.request('PUT', '/v1/collections/victim', { description: 'must not change' });
    await service.request('PUT', '/v1/collections/playground', {});
    const seeded = await service.request('POST', '/v1/collections/victim/documents', {
      documents: [
        { id: 'a1', title: "O'Brian", content: "os.path.join('../data') and DROP TABLE users;" },
        { id: 'a2', content: '<script>alert(1)</script> is just text here', metadata: { k: 'v' } },
      ],
    });
    expect(seeded.status).toBe(200);
    // The indexer's own progress shows in the collection (vectors_pending): let it settle first.
    await waitFor(
      'the victim indexed',
      async () =>
        (await service.request('GET', '/v1/collections/victim')).body.vectors_pending === 0,
    );
  });
  afterAll(async () => {
    await service.stop();
    await Promise.all([postgres.close(), redis.close()]);
  });

  it('answers ≥ 10,000 hostile requests without a 5xx or a crash and leaves the victim byte-for-byte unchanged', async () => {
    const before = await victimState(service);
    const corpus = hostileStrings();
    const attacks = corpus.flatMap(attacksWith);
    const mutations = fc.sample(mutatedRequests, { numRuns: 1_500, seed: 20261128 });
    const all: Attack[] = [...attacks, ...mutations];
    expect(all.length).toBeGreaterThanOrEqual(10_000);

    const serverErrors: string[] = [];
    const queue = all.values();
    const worker = async () => {
      for (const attack of queue) {
        const status = await send(service, attack);
        if (status >= 500) serverErrors.push(`${String(status)} ${attack.method} ${attack.path}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    expect(serverErrors).toEqual([]);
    // Liveness reports the worst event-loop delay since its last call, which the storm itself
    // may have caused on a loaded machine; the second call shows the loop as it is now.
    await service.request('GET', '/health/live');
    expect((await service.request('GET', '/health/live')).status).toBe(200);
    await waitFor(
      'readiness after the storm',
      async () => (await service.request('GET', '/health/ready')).status === 200,
    );
    expect(await victimState(service)).toBe(before);
  }, 600_000);
});
