import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.ts';

describe('bad input gets a clear 4xx with a stable code and changes nothing', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { AIDB_BODY_LIMIT_BYTES: '4096' } });
    await service.request('PUT', '/v1/collections/kb', {});
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [{ id: 'keep', content: 'unchanged' }],
    });
  });
  afterAll(async () => {
    await service.stop();
  });

  async function documentIds(): Promise<string[]> {
    const { body } = await service.request('GET', '/v1/collections/kb/documents?limit=100');
    return body.documents.map((d: { id: string }) => d.id);
  }

  const cases: readonly {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    status: number;
    code: string;
    fields?: string[];
  }[] = [
    {
      name: 'every invalid field of a batch is named',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: {
        documents: [
          { content: '' },
          { id: 'bad id!', content: 'x', metadata: { nested: { a: 1 } } },
          { content: 'y', extra: 1 },
        ],
      },
      status: 400,
      code: 'invalid_body',
      fields: [
        'documents.0.content',
        'documents.1.id',
        'documents.1.metadata.nested',
        'documents.2.extra',
      ],
    },
    {
      name: 'an empty batch is refused',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: { documents: [] },
      status: 400,
      code: 'invalid_body',
      fields: ['documents'],
    },
    {
      name: 'a batch over 100 documents is refused',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: { documents: Array.from({ length: 101 }, () => ({ content: 'x' })) },
      status: 400,
      code: 'invalid_body',
      fields: ['documents'],
    },
    {
      name: 'a repeated id within a batch is refused',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: {
        documents: [
          { id: 'a', content: 'x' },
          { id: 'a', content: 'y' },
        ],
      },
      status: 400,
      code: 'duplicate_id',
      fields: ['documents.1.id'],
    },
    {
      name: 'a NUL character is refused (PostgreSQL would fail with 22021)',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: { documents: [{ content: 'a\u0000b' }] },
      status: 400,
      code: 'invalid_body',
      fields: ['documents.0.content'],
    },
    {
      name: 'an unpaired surrogate is refused (PostgreSQL would silently replace it)',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: '{"documents":[{"content":"a\\ud800b"}]}',
      status: 400,
      code: 'invalid_body',
      fields: ['documents.0.content'],
    },
    {
      name: 'search needs exactly one of query and vector',
      method: 'POST',
      path: '/v1/collections/kb/search',
      body: { query: 'x', vector: [1, 0], limit: 0 },
      status: 400,
      code: 'invalid_body',
      fields: ['limit', 'query'],
    },
    {
      name: 'a limit above 100 is refused in the query string',
      method: 'GET',
      path: '/v1/collections/kb/documents?limit=101',
      status: 400,
      code: 'invalid_query',
      fields: ['limit'],
    },
    {
      name: 'an unknown query parameter is refused',
      method: 'GET',
      path: '/v1/collections/kb/documents?sort=desc',
      status: 400,
      code: 'invalid_query',
      fields: ['sort'],
    },
    {
      name: 'malformed JSON is refused',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: '{"documents": [',
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'a body that is not JSON is refused with 415',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: 'content=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a body over the limit is refused with 413',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: { documents: [{ content: 'x'.repeat(5000) }] },
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'an unknown route is a JSON 404',
      method: 'GET',
      path: '/v2/anything',
      status: 404,
      code: 'route_not_found',
    },
    {
      name: 'prototype pollution in JSON is refused',
      method: 'POST',
      path: '/v1/collections/kb/documents',
      body: '{"documents":[{"content":"x"}],"__proto__":{"admin":true}}',
      status: 400,
      code: 'invalid_json',
    },
  ];

  it('has every case of the table', () => {
    expect(cases).toHaveLength(14);
  });

  it.each(cases)('$name', async ({ method, path, body, headers, status, code, fields }) => {
    const response = await service.request(method, path, body, headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      status,
      code,
      type: `urn:aidb:problem:${code}`,
      request_id: response.headers.get('x-request-id'),
    });
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
    if (fields !== undefined)
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(await documentIds()).toEqual(['keep']);
  });

  it('states the limit a too-large body exceeded', async () => {
    const response = await service.request('POST', '/v1/collections/kb/documents', {
      documents: [{ content: 'x'.repeat(5000) }],
    });
    expect(response.body.detail).toBe(
      'the request body exceeds the limit of 4096 bytes (service.bodyLimitBytes)',
    );
  });

  it('speaks the words of the other health endpoints on /health, with round latencies', async () => {
    const legacy = await service.request('GET', '/health');
    expect(legacy.body).toMatchObject({
      status: 'healthy',
      database: 'healthy',
      circuit_breakers: { postgres: 'closed' },
    });
    const detailed = await service.request('GET', '/health/detailed');
    for (const dependency of detailed.body.details.dependencies as { latency_ms: number }[])
      expect(String(dependency.latency_ms)).toMatch(/^\d+(\.\d)?$/);
    expect(String(detailed.body.duration_ms)).toMatch(/^\d+(\.\d)?$/);
  });

  it('echoes a well-formed request id and replaces a malformed one', async () => {
    const good = await service.request('GET', '/v1/collections', undefined, {
      'x-request-id': 'req-123',
    });
    expect(good.headers.get('x-request-id')).toBe('req-123');
    const bad = await service.request('GET', '/v1/collections', undefined, {
      'x-request-id': 'no spaces allowed',
    });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
