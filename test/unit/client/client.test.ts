import { afterEach, describe, expect, it } from 'vitest';
import {
  AidbApiError,
  AidbResponseError,
  createAidbClient,
  type ClientOptions,
} from '../../../client/index.ts';
import { problem, startApiStub, type StubAnswer } from './api-stub.ts';

const timestamp = '2026-11-28T12:00:00.000Z';
const aCollection = {
  name: 'docs',
  description: '',
  dimension: 8,
  ttl_seconds: null,
  document_count: 0,
  index: 'pgvector',
  vectors_pending: 0,
  created_at: timestamp,
  updated_at: timestamp,
};

let stub: Awaited<ReturnType<typeof startApiStub>> | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A client of a stub answering `script`; waits are recorded, not slept. */
async function clientOf(script: readonly StubAnswer[], options: Partial<ClientOptions> = {}) {
  stub = await startApiStub(script);
  const waits: number[] = [];
  const client = createAidbClient({
    baseUrl: `${stub.url}/`,
    apiKey: 'secret-key',
    random: () => 0.5,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { client, waits, received: stub.received };
}

describe('the typed client', () => {
  it('sends the key as a Bearer token and returns the typed, checked answer', async () => {
    const { client, received } = await clientOf([{ status: 201, body: aCollection }]);
    const result = await client.putCollection('docs', { description: 'd' });
    expect(result).toEqual({ collection: aCollection, created: true });
    expect(received).toEqual([
      {
        method: 'PUT',
        url: '/v1/collections/docs',
        authorization: 'Bearer secret-key',
        body: '{"description":"d"}',
      },
    ]);
  });

  it('puts query parameters and escaped path segments where the route has them', async () => {
    const { client, received } = await clientOf([
      { status: 200, body: { documents: [], next_cursor: null } },
    ]);
    await client.listDocuments('docs', { limit: 5, cursor: 'a b' });
    expect(received[0]?.url).toBe('/v1/collections/docs/documents?limit=5&cursor=a+b');
  });

  it('turns a problem into an AidbApiError with status, reason code and Retry-After', async () => {
    const { client, received } = await clientOf([
      { ...problem(404, 'collection_not_found', 'no collection nope'), headers: {} },
    ]);
    const error = await client.getCollection('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AidbApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'collection_not_found',
      retryAfterSeconds: undefined,
      attempts: 1,
      message: `aidb client: GET ${stub?.url}/v1/collections/nope → 404 collection_not_found: no collection nope`,
    });
    expect(received).toHaveLength(1);
  });

  it('retries a safe request on 503 after Retry-After and returns the answer', async () => {
    const unavailable = {
      ...problem(503, 'dependency_unavailable'),
      headers: { 'retry-after': '2' },
    };
    const { client, waits, received } = await clientOf([
      unavailable,
      unavailable,
      { status: 200, body: aCollection },
    ]);
    expect(await client.getCollection('docs')).toEqual(aCollection);
    expect(received).toHaveLength(3);
    expect(waits).toEqual([2200, 2200]);
  });

  it('gives up after maxAttempts with the last error and how many requests were sent', async () => {
    const { client, received } = await clientOf([problem(429, 'rate_limited')], {
      retry: { maxAttempts: 3 },
    });
    const error = await client.listCollections().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', attempts: 3 });
    expect(received).toHaveLength(3);
  });

  it('does not wait past its time budget: a long Retry-After fails at once', async () => {
    const { client, waits, received } = await clientOf([
      { ...problem(503, 'dependency_unavailable'), headers: { 'retry-after': '3600' } },
    ]);
    const error = await client.listCollections().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 3600, attempts: 1 });
    expect({ waits, requests: received.length }).toEqual({ waits: [], requests: 1 });
  });

  it('does not send an ingest twice after a 503 that may have come mid-way', async () => {
    const { client, received } = await clientOf([
      problem(503, 'dependency_unavailable'),
      { status: 200, body: { ids: ['a'] } },
    ]);
    const error = await client
      .ingestDocuments('docs', { documents: [{ content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'dependency_unavailable', attempts: 1 });
    expect(received).toHaveLength(1);
  });

  it.each([
    ['429', problem(429, 'rate_limited')],
    ['503 starting', problem(503, 'starting')],
  ])('retries an ingest refused with %s before it was processed', async (_name, refusal) => {
    const { client, received } = await clientOf([refusal, { status: 200, body: { ids: ['a'] } }]);
    expect(await client.ingestDocuments('docs', { documents: [{ content: 'x' }] })).toEqual({
      ids: ['a'],
    });
    expect(received).toHaveLength(2);
  });

  it('retries search on 503: it is a POST that changes nothing', async () => {
    const { client, received } = await clientOf([
      problem(503, 'dependency_unavailable'),
      { status: 200, body: { results: [], next_cursor: null, index: 'pgvector' } },
    ]);
    expect(await client.search('docs', { query: 'q' })).toEqual({
      results: [],
      next_cursor: null,
      index: 'pgvector',
    });
    expect(received).toHaveLength(2);
  });

  it('returns a 503 readiness as an answer, without retrying', async () => {
    const report = {
      status: 'unhealthy',
      check_type: 'readiness',
      message: 'postgres down',
      details: {},
      timestamp,
      duration_ms: 1,
    };
    const { client, received } = await clientOf([
      { status: 503, body: report, headers: { 'retry-after': '5' } },
    ]);
    expect(await client.readiness()).toEqual({ ok: false, status: 503, report });
    expect(received).toHaveLength(1);
  });

  it('rejects an answer that does not match the route schema', async () => {
    const { client } = await clientOf([{ status: 200, body: { collections: [{ name: 1 }] } }]);
    const error = await client.listCollections().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AidbResponseError);
    expect((error as Error).message).toMatch(
      /^aidb client: GET \/v1\/collections: unexpected answer/,
    );
  });

  it('refuses a base URL it cannot use', () => {
    expect(() => createAidbClient({ baseUrl: 'localhost:8091' })).toThrow(
      new TypeError('aidb client: baseUrl must be http(s), not localhost:'),
    );
    expect(() => createAidbClient({ baseUrl: 'nope' })).toThrow(
      new TypeError('aidb client: baseUrl "nope" is not a URL'),
    );
  });
});
