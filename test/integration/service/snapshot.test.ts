import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalBackends, type ProfileBackends } from '../../support/profiles.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';

describe('GET /v1/admin/snapshot', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.request('PUT', '/v1/collections/kb', {});
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [
        { id: 'a', content: 'first' },
        { id: 'b', content: 'second '.repeat(300) },
      ],
    });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('returns a tar of the embedded database that loads into a fresh PGlite with the counted rows', async () => {
    const response = await fetch(`${service.url}/v1/admin/snapshot`, {
      headers: bearer(testKeys.admin),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    const counts = JSON.parse(response.headers.get('x-aidb-row-counts') ?? '{}');
    expect(counts).toEqual({ collections: 1, documents: 2, chunks: 4 });
    const restored = await PGlite.create({
      loadDataDir: new Blob([await response.arrayBuffer()]),
      extensions: { vector },
    });
    try {
      const { rows } = await restored.query<{ documents: number; chunks: number }>(
        'SELECT (SELECT count(*)::int FROM documents) AS documents, (SELECT count(*)::int FROM chunks) AS chunks',
      );
      expect(rows[0]).toEqual({ documents: 2, chunks: 4 });
    } finally {
      await restored.close();
    }
  });
});

describe('GET /v1/admin/snapshot on the external profile', () => {
  let backends: ProfileBackends;
  let service: TestService;
  beforeAll(async () => {
    backends = await externalBackends();
    service = await startTestService({ env: await backends.env() });
  });
  afterAll(async () => {
    await service.stop();
    await backends.close();
  });

  it('refuses with 409: PostgreSQL is backed up with pg_dump', async () => {
    const { status, body } = await service.request('GET', '/v1/admin/snapshot');
    expect(status).toBe(409);
    expect(body.code).toBe('snapshot_unavailable');
  });
});
