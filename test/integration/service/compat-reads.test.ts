import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';

/** The original service's routes work on a default collection; reading it must write nothing. */
describe('compatibility routes: reads never write', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { AIDB_READS_REQUIRE_KEY: 'false' } });
  });
  afterAll(async () => {
    await service.stop();
  });

  const reads = [
    ['GET', '/documents', undefined],
    ['POST', '/vector/search', { query: 'anything' }],
  ] as const;

  async function defaultCollection() {
    return service.request('GET', '/v1/collections/default');
  }

  it('answers reads of a default collection that does not exist yet without creating it', async () => {
    for (const headers of [bearer(testKeys.read), { authorization: '' }]) {
      for (const [method, path, body] of reads) {
        const response = await service.request(method, path, body, headers);
        expect(response.status, `${method} ${path}`).toBe(200);
      }
    }
    expect((await service.request('GET', '/documents')).body).toEqual({
      documents: [],
      next_cursor: null,
    });
    expect((await defaultCollection()).status).toBe(404);
  });

  it('creates the default collection on the first write, and later reads leave it untouched', async () => {
    const stored = await service.request('POST', '/documents', { id: 'a', content: 'hello' });
    expect(stored.status).toBe(200);
    const before = (await defaultCollection()).body;
    expect(before.document_count).toBe(1);
    for (const [method, path, body] of reads) {
      expect((await service.request(method, path, body, bearer(testKeys.read))).status).toBe(200);
    }
    expect((await defaultCollection()).body).toEqual(before);
  });
});
