import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Through the package's own export, as a user imports it.
import { AidbApiError, createAidbClient, type AidbClient } from 'aidb/client';
import { clientFor } from '../../support/client.ts';
import { startTestService, type TestService } from '../../support/service.ts';

describe('the typed client against the real service (embedded profile)', () => {
  let service: TestService;
  let client: AidbClient;
  beforeAll(async () => {
    service = await startTestService();
    client = clientFor(service);
  });
  afterAll(async () => {
    await service.stop();
  });

  it('is ready, then creates, fills, reads, searches and deletes a collection', async () => {
    expect(await client.readiness()).toMatchObject({ ok: true, status: 200 });
    expect(await client.liveness()).toMatchObject({ ok: true, status: 200 });
    const created = await client.putCollection('notes', { description: 'client test' });
    expect(created).toMatchObject({ created: true, collection: { name: 'notes' } });
    expect((await client.putCollection('notes', { description: 'again' })).created).toBe(false);

    const { ids } = await client.ingestDocuments('notes', {
      documents: [
        { id: 'pg', title: 'PostgreSQL', content: 'PostgreSQL stores rows in tables.' },
        { id: 'redis', title: 'Redis', content: 'Redis keeps keys in memory.' },
      ],
    });
    expect(ids).toEqual(['pg', 'redis']);
    const page = await client.listDocuments('notes', { limit: 1 });
    expect(page.documents.map((d) => d.id)).toEqual(['pg']);
    expect(page.next_cursor).not.toBeNull();
    expect(await client.getDocument('notes', 'redis')).toMatchObject({
      collection: 'notes',
      content: 'Redis keeps keys in memory.',
    });
    const found = await client.search('notes', { query: 'tables rows PostgreSQL', limit: 1 });
    expect(found.results.map((r) => r.document_id)).toEqual(['pg']);
    const embedded = await client.embed({ texts: ['a', 'b'] });
    expect(embedded.vectors).toHaveLength(2);

    await client.deleteDocument('notes', 'redis');
    await client.deleteCollection('notes');
    const gone = await client.getCollection('notes').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AidbApiError);
    expect(gone).toMatchObject({ status: 404, code: 'collection_not_found', attempts: 1 });
  });

  it('surfaces a validation problem with its field errors and does not retry it', async () => {
    const error = await client
      .ingestDocuments('notes', { documents: [{ content: 'bad \u0000 byte' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'invalid_body', attempts: 1 });
    expect((error as AidbApiError).problem?.errors?.[0]?.field).toBe('documents.0.content');
  });

  it('serves the admin and meta routes it has methods for', async () => {
    const gc = await client.collectGarbage();
    expect(gc.dry_run).toBe(true);
    expect((await client.openApi()).openapi).toMatch(/^3\.1/);
    expect(await client.metrics()).toContain('# TYPE');
    expect((await client.snapshot()).tar.byteLength).toBeGreaterThan(0);
  });

  it('fails with a clear error when nothing listens', async () => {
    const nowhere = createAidbClient({ baseUrl: 'http://127.0.0.1:1', retry: { maxAttempts: 1 } });
    await expect(nowhere.listCollections()).rejects.toThrow(
      'aidb client: GET http://127.0.0.1:1/v1/collections failed',
    );
  });
});
