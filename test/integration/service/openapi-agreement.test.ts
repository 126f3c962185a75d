import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.ts';

/**
 * A client generated from the document must not send what the service refuses as a surprise,
 * nor be stopped from sending what it accepts: for boundary requests, the document's verdict
 * (checked with ajv) and the service's must be the same.
 */
describe('the OpenAPI document and the service agree', () => {
  let service: TestService;
  let document: any;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  beforeAll(async () => {
    service = await startTestService();
    document = (await service.request('GET', '/openapi.json')).body;
    await service.request('PUT', '/v1/collections/kb', {});
  });
  afterAll(async () => {
    await service.stop();
  });

  // The built-in embedder's dimension, which a collection created without one gets.
  const vector = Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0));

  const bodySchema = (path: string, method: string) =>
    document.paths[path][method].requestBody.content['application/json'].schema;

  const cases: readonly {
    name: string;
    path: string;
    template: string;
    method: 'post' | 'put';
    body: unknown;
    code?: string;
  }[] = [
    {
      name: 'a text query',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { query: 'x' },
    },
    {
      name: 'a vector query',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { vector },
    },
    {
      name: 'both query and vector',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { query: 'x', vector },
    },
    {
      name: 'neither query nor vector',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { limit: 3 },
    },
    {
      name: 'a NUL in a query',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { query: 'a\u0000b' },
    },
    {
      name: 'an unpaired surrogate in a query',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { query: 'a\ud800b' },
    },
    {
      name: 'a paired surrogate (emoji) in a query',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: { query: 'a\u{1f600}b' },
    },
    {
      name: 'a description of 1000 emoji (1000 characters)',
      path: '/v1/collections/kb',
      template: '/v1/collections/{name}',
      method: 'put',
      body: { description: '\u{1f600}'.repeat(1000) },
    },
    {
      name: 'a description of 1001 characters',
      path: '/v1/collections/kb',
      template: '/v1/collections/{name}',
      method: 'put',
      body: { description: 'x'.repeat(1001) },
    },
    {
      name: 'a filter with 33 keys',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: {
        query: 'x',
        filter: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
      },
    },
    {
      name: 'a filter with 32 keys',
      path: '/v1/collections/kb/search',
      template: '/v1/collections/{name}/search',
      method: 'post',
      body: {
        query: 'x',
        filter: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])),
      },
    },
    {
      // JSON.parse makes `__proto__` an own key, as a client's JSON would.
      name: 'a metadata key named __proto__ (refused by the JSON parser for prototype poisoning)',
      path: '/v1/collections/kb/documents',
      template: '/v1/collections/{name}/documents',
      method: 'post',
      body: JSON.parse('{"documents":[{"id":"p","content":"x","metadata":{"__proto__":"x"}}]}'),
      code: 'invalid_json',
    },
  ];

  it.each(cases)('$name', async ({ path, template, method, body, code }) => {
    const valid = ajv.validate(bodySchema(template, method), body);
    const response = await service.request(method.toUpperCase(), path, body);
    const accepted = response.status < 400;
    expect({ valid, status: response.status }).toEqual({
      valid: accepted,
      status: response.status,
    });
    if (!accepted) expect(response.body.code).toBe(code ?? 'invalid_body');
  });

  it('says that ids within one batch must be unique, and refuses a repeat with its own code', async () => {
    const ingest = document.paths['/v1/collections/{name}/documents'].post;
    const documents = bodySchema('/v1/collections/{name}/documents', 'post').properties.documents;
    expect(documents.description).toMatch(/unique/i);
    const response = await service.request('POST', '/v1/collections/kb/documents', {
      documents: [
        { id: 'a', content: 'one' },
        { id: 'a', content: 'two' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('duplicate_id');
    const documented = ingest.responses['400'].content['application/problem+json'].schema;
    expect(ajv.validate({ ...documented, components: document.components }, response.body)).toBe(
      true,
    );
  });
});
