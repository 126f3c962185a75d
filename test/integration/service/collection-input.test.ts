import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.ts';

/** Outside testing found these: valid-looking collection requests that failed with 500. */
describe('collection requests at the edges of the schema', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('stores the largest ttl_seconds the schema admits, and refuses one more with 400', async () => {
    const document = (await service.request('GET', '/openapi.json')).body;
    const put = document.paths['/v1/collections/{name}'].put;
    const ttl = put.requestBody.content['application/json'].schema.properties.ttl_seconds;
    const maximum = (ttl.anyOf ?? [ttl]).find(
      (s: { type: string }) => s.type === 'integer',
    ).maximum;
    const stored = await service.request('PUT', '/v1/collections/ttl-max', {
      ttl_seconds: maximum,
    });
    expect(stored.status).toBe(201);
    expect(stored.body.ttl_seconds).toBe(maximum);
    // 2^31 − 1 s is what the integer column holds; 2^31 used to be admitted and fail with 500.
    const over = await service.request('PUT', '/v1/collections/ttl-over', {
      ttl_seconds: 2 ** 31,
    });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('invalid_body');
  });

  it('refuses a dimension no index of the profile can serve with 400, and creates nothing', async () => {
    const refused = await service.request('PUT', '/v1/collections/wide', { dimension: 2001 });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('invalid_body');
    expect((await service.request('GET', '/v1/collections/wide')).status).toBe(404);
    const widest = await service.request('PUT', '/v1/collections/widest', { dimension: 2000 });
    expect(widest.status).toBe(201);
    const ingest = await service.request('POST', '/v1/collections/widest/search', {
      vector: Array.from({ length: 2000 }, (_, i) => (i === 0 ? 1 : 0)),
    });
    expect(ingest.status).toBe(200);
  });

  it('refuses a JSON null body with 400 and accepts an absent one, as the document says', async () => {
    const document = (await service.request('GET', '/openapi.json')).body;
    for (const [method, path, created] of [
      ['PUT', '/v1/collections/nulled', 'PUT /v1/collections/{name}'],
      ['POST', '/v1/admin/gc', 'POST /v1/admin/gc'],
    ] as const) {
      const [verb = '', template = ''] = created.split(' ');
      const operation = document.paths[template][verb.toLowerCase()];
      expect(operation.requestBody.required, created).toBe(false);
      const nulled = await service.request(method, path, 'null', {
        'content-type': 'application/json',
      });
      expect(nulled.status, `${created} with null`).toBe(400);
      expect(nulled.body.code).toBe('invalid_body');
      const absent = await service.request(method, path);
      expect(absent.status, `${created} without a body`).toBeLessThan(300);
    }
    expect((await service.request('GET', '/v1/collections/nulled')).status).toBe(200);
  });

  it('says requestBody.required: true exactly where an absent body is refused', async () => {
    const document = (await service.request('GET', '/openapi.json')).body;
    for (const route of service.routes) {
      if (route.body === undefined) continue;
      const template = route.path.replace(/:(\w+)/g, '{$1}');
      const required = document.paths[template][route.method.toLowerCase()].requestBody.required;
      const path = route.path.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'name' ? 'nulled' : 'doc-1',
      );
      const absent = await service.request(route.method, path);
      expect(absent.status === 400 && absent.body.code === 'invalid_body', route.path).toBe(
        required,
      );
    }
  });
});
