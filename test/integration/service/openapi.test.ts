import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../../service/http/openapi.ts';
import { describedRoutes } from '../../../service/routes/described.ts';
import { startTestService, type TestService } from '../../support/service.ts';

describe('the OpenAPI document', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('is OpenAPI 3.1 and describes every route of the route table, and nothing else', async () => {
    const { status, body } = await service.request('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    const served = service.routes
      .map((route) => `${route.method} ${openApiPath(route.path)}`)
      .sort();
    expect(documented).toEqual(served);
  });

  it('derives request schemas from the zod schemas the server validates with', async () => {
    const { body } = await service.request('GET', '/openapi.json');
    const ingest = body.paths['/v1/collections/{name}/documents'].post;
    const schema = ingest.requestBody.content['application/json'].schema;
    expect(schema.properties.documents).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 100,
    });
    expect(schema.additionalProperties).toBe(false);
    expect(ingest.parameters).toEqual([
      {
        name: 'name',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
      },
    ]);
    expect(ingest.responses['400'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
      properties: {
        code: {
          enum: [
            'invalid_path',
            'invalid_query',
            'invalid_json',
            'invalid_body',
            'duplicate_id',
            'dimension_mismatch',
          ],
        },
      },
    });
  });

  it('is described the same without a server (docs/api.md and the manifests rely on it)', () => {
    const key = (r: { method: string; path: string; scope: string }) =>
      `${r.method} ${r.path} ${r.scope}`;
    expect(describedRoutes(service.config).map(key).sort()).toEqual(service.routes.map(key).sort());
  });
});
