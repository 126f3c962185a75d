import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileBackends, type ProfileBackends } from '../../support/profiles.ts';
import { startTestService, type TestService } from '../../support/service.ts';

const docs = [
  {
    id: 'pg',
    title: 'PostgreSQL',
    content: 'PostgreSQL is a relational database with MVCC and write-ahead logging.',
    metadata: { lang: 'en', kind: 'db' },
  },
  {
    id: 'redis',
    title: 'Redis',
    content: 'Redis is an in-memory key value store, often used as a cache.',
    metadata: { lang: 'en', kind: 'cache' },
  },
  {
    id: 'banana',
    title: 'Bananas',
    content: 'Bananas are yellow fruit rich in potassium.',
    metadata: { lang: 'en', kind: 'food' },
  },
  {
    id: 'kafka',
    content: 'Apache Kafka is a distributed event streaming log.',
    metadata: { lang: 'de', kind: 'streaming' },
  },
];

describe.each(['embedded', 'external'] as const)('the API on the %s profile', (profile) => {
  let backends: ProfileBackends;
  let service: TestService;

  beforeAll(async () => {
    backends = await profileBackends[profile]();
    service = await startTestService({ env: await backends.env() });
    expect(
      (await service.request('PUT', '/v1/collections/kb', { description: 'knowledge' })).status,
    ).toBe(201);
    expect(
      (await service.request('POST', '/v1/collections/kb/documents', { documents: docs })).body,
    ).toEqual({
      ids: ['pg', 'redis', 'banana', 'kafka'],
    });
  });
  afterAll(async () => {
    await service.stop();
    await backends.close();
  });

  describe('collections', () => {
    it('creates with 201, updates with 200 and keeps the dimension', async () => {
      const created = await service.request('PUT', '/v1/collections/notes', {
        description: 'a',
        ttl_seconds: 3600,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'notes',
        description: 'a',
        dimension: 384,
        ttl_seconds: 3600,
        document_count: 0,
      });
      const updated = await service.request('PUT', '/v1/collections/notes', {
        description: 'b',
        ttl_seconds: null,
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ description: 'b', ttl_seconds: null, dimension: 384 });
      const conflict = await service.request('PUT', '/v1/collections/notes', { dimension: 768 });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('dimension_immutable');
    });

    it('reports the document count and the index that serves it', async () => {
      const { status, body } = await service.request('GET', '/v1/collections/kb');
      expect(status).toBe(200);
      expect(body.document_count).toBe(4);
      expect(body.index).toBe(backends.vectorIndex);
    });

    it('lists collections by name', async () => {
      const { body } = await service.request('GET', '/v1/collections');
      const names = body.collections.map((c: { name: string }) => c.name);
      expect(names).toEqual([...names].sort());
      expect(names).toContain('kb');
    });

    it('deletes a collection with its documents', async () => {
      await service.request('PUT', '/v1/collections/doomed', {});
      await service.request('POST', '/v1/collections/doomed/documents', {
        documents: [{ content: 'x' }],
      });
      expect((await service.request('DELETE', '/v1/collections/doomed')).status).toBe(204);
      expect((await service.request('GET', '/v1/collections/doomed')).body.code).toBe(
        'collection_not_found',
      );
      expect((await service.request('DELETE', '/v1/collections/doomed')).status).toBe(404);
    });

    it('treats a collection name as data, never as SQL', async () => {
      const { status, body } = await service.request(
        'PUT',
        `/v1/collections/${encodeURIComponent('x; DROP TABLE documents')}`,
        {},
      );
      expect(status).toBe(400);
      expect(body.code).toBe('invalid_path');
      expect(body.errors).toEqual([
        { field: 'name', message: expect.stringContaining('1–64 characters') },
      ]);
    });
  });

  describe('documents', () => {
    it('returns a stored document verbatim', async () => {
      const { status, body } = await service.request('GET', '/v1/collections/kb/documents/pg');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: 'pg',
        collection: 'kb',
        title: 'PostgreSQL',
        content: docs[0]?.content,
        metadata: docs[0]?.metadata,
        chunk_count: 1,
      });
    });

    it('stores text that a blacklist would have refused, byte for byte', async () => {
      const content =
        "How do I call os.path.join('../data') or exec() for O'Brian? SELECT 1; DROP TABLE x -- <svg/onload=alert(1)> 😀";
      const put = await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'tricky', content, metadata: { q: "' OR 1=1 --" } }],
      });
      expect(put.status).toBe(200);
      const { body } = await service.request('GET', '/v1/collections/kb/documents/tricky');
      expect(body.content).toBe(content);
      expect(body.metadata).toEqual({ q: "' OR 1=1 --" });
      await service.request('DELETE', '/v1/collections/kb/documents/tricky');
    });

    it('generates ids for documents without one', async () => {
      const { body } = await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ content: 'anonymous note' }],
      });
      expect(body.ids).toHaveLength(1);
      expect(body.ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        (await service.request('DELETE', `/v1/collections/kb/documents/${body.ids[0]}`)).status,
      ).toBe(204);
    });

    it('splits long content into chunks and replaces them on re-ingest', async () => {
      const long = Array.from(
        { length: 60 },
        (_, i) => `Sentence ${i} talks about zebras and their stripes.`,
      ).join(' ');
      await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'long', content: long }],
      });
      const first = await service.request('GET', '/v1/collections/kb/documents/long');
      expect(first.body.chunk_count).toBeGreaterThan(2);
      await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'long', content: 'Now it is about giraffes only.' }],
      });
      const second = await service.request('GET', '/v1/collections/kb/documents/long');
      expect(second.body.chunk_count).toBe(1);
      expect(second.body.content).toBe('Now it is about giraffes only.');
      const search = await service.request('POST', '/v1/collections/kb/search', {
        query: 'zebras stripes',
        limit: 10,
      });
      expect(
        search.body.results.map((r: { snippet: string }) => r.snippet).join(' '),
      ).not.toContain('zebras');
      await service.request('DELETE', '/v1/collections/kb/documents/long');
    });

    it('pages through documents in id order', async () => {
      const first = await service.request('GET', '/v1/collections/kb/documents?limit=3');
      expect(first.body.documents.map((d: { id: string }) => d.id)).toEqual([
        'banana',
        'kafka',
        'pg',
      ]);
      const second = await service.request(
        'GET',
        `/v1/collections/kb/documents?limit=3&cursor=${first.body.next_cursor}`,
      );
      expect(second.body.documents.map((d: { id: string }) => d.id)).toEqual(['redis']);
      expect(second.body.next_cursor).toBeNull();
    });

    it('rejects a cursor it did not issue', async () => {
      const { status, body } = await service.request(
        'GET',
        '/v1/collections/kb/documents?cursor=not-a-cursor',
      );
      expect(status).toBe(400);
      expect(body.code).toBe('invalid_cursor');
    });

    it('answers 404 for a missing document and a missing collection', async () => {
      expect((await service.request('GET', '/v1/collections/kb/documents/nope')).body.code).toBe(
        'document_not_found',
      );
      expect((await service.request('DELETE', '/v1/collections/kb/documents/nope')).status).toBe(
        404,
      );
      expect(
        (
          await service.request('POST', '/v1/collections/none/documents', {
            documents: [{ content: 'x' }],
          })
        ).body.code,
      ).toBe('collection_not_found');
    });
  });

  describe('search', () => {
    it('ranks the document sharing the query words first, with cosine scores best first', async () => {
      const { status, body } = await service.request('POST', '/v1/collections/kb/search', {
        query: 'in-memory key value cache',
        limit: 4,
      });
      expect(status).toBe(200);
      expect(body.results[0]).toMatchObject({
        document_id: 'redis',
        chunk_index: 0,
        title: 'Redis',
        metadata: { lang: 'en', kind: 'cache' },
      });
      const scores = body.results.map((r: { score: number }) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const score of scores) expect(Math.abs(score)).toBeLessThanOrEqual(1);
    });

    it('honours a metadata filter', async () => {
      const { body } = await service.request('POST', '/v1/collections/kb/search', {
        query: 'database cache fruit log',
        limit: 10,
        filter: { lang: 'de' },
      });
      expect(body.results.map((r: { document_id: string }) => r.document_id)).toEqual(['kafka']);
    });

    it('honours min_score', async () => {
      const { body } = await service.request('POST', '/v1/collections/kb/search', {
        query: 'relational database MVCC',
        limit: 10,
        min_score: 0.3,
      });
      expect(body.results.length).toBeGreaterThan(0);
      for (const result of body.results) expect(result.score).toBeGreaterThanOrEqual(0.3);
      expect(body.results[0].document_id).toBe('pg');
    });

    it('searches by vector and pages with the cursor', async () => {
      const embedded = await service.request('POST', '/v1/embed', {
        texts: ['yellow fruit potassium'],
      });
      const vector = embedded.body.vectors[0];
      const first = await service.request('POST', '/v1/collections/kb/search', {
        vector,
        limit: 2,
      });
      expect(first.body.results[0].document_id).toBe('banana');
      const second = await service.request('POST', '/v1/collections/kb/search', {
        vector,
        limit: 2,
        cursor: first.body.next_cursor,
      });
      const ids = [...first.body.results, ...second.body.results].map(
        (r: { document_id: string }) => r.document_id,
      );
      expect(new Set(ids).size).toBe(4);
      const foreign = await service.request('POST', '/v1/collections/kb/search', {
        query: 'other',
        limit: 2,
        cursor: first.body.next_cursor,
      });
      expect(foreign.body.code).toBe('invalid_cursor');
    });

    it('refuses a cursor edited to page past the search depth', async () => {
      const request = { query: 'fruit', limit: 1 };
      const first = await service.request('POST', '/v1/collections/kb/search', request);
      const issued = JSON.parse(Buffer.from(first.body.next_cursor, 'base64url').toString('utf8'));
      for (const o of [1000, 1e300]) {
        const forged = Buffer.from(JSON.stringify({ ...issued, o })).toString('base64url');
        const { status, body } = await service.request('POST', '/v1/collections/kb/search', {
          ...request,
          cursor: forged,
        });
        expect(status).toBe(400);
        expect(body.code).toBe('invalid_cursor');
      }
    });

    it('returns an empty list for an empty collection', async () => {
      await service.request('PUT', '/v1/collections/empty', {});
      const { status, body } = await service.request('POST', '/v1/collections/empty/search', {
        query: 'anything',
      });
      expect(status).toBe(200);
      expect(body).toEqual({ results: [], next_cursor: null, index: expect.any(String) });
    });

    it('refuses a vector of the wrong dimension', async () => {
      const { status, body } = await service.request('POST', '/v1/collections/kb/search', {
        vector: [0.1, 0.2, 0.3],
      });
      expect(status).toBe(400);
      expect(body.code).toBe('dimension_mismatch');
    });

    it('sees a new document at once (cached results are invalidated by writes)', async () => {
      const query = { query: 'quantum entanglement photons', limit: 1 };
      const before = await service.request('POST', '/v1/collections/kb/search', query);
      expect(before.body.results[0]?.document_id).not.toBe('quantum');
      await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'quantum', content: 'Quantum entanglement links photons.' }],
      });
      const after = await service.request('POST', '/v1/collections/kb/search', query);
      expect(after.body.results[0].document_id).toBe('quantum');
      await service.request('DELETE', '/v1/collections/kb/documents/quantum');
      const gone = await service.request('POST', '/v1/collections/kb/search', query);
      expect(gone.body.results[0]?.document_id).not.toBe('quantum');
    });

    it('shows the title, snippet and metadata the store holds, through replace and delete', async () => {
      const query = { query: 'marmoset lemur', limit: 3 };
      const found = async () =>
        (await service.request('POST', '/v1/collections/kb/search', query)).body.results.filter(
          (r: { document_id: string }) => r.document_id === 'primate',
        );
      // A character of two UTF-16 units straddles the 300th: the snippet stops before it.
      const first = `marmoset lemur ${'a'.repeat(284)}😀 and more after the cut`;
      await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'primate', title: 'First', content: first, metadata: { v: 1 } }],
      });
      expect(await found()).toEqual([
        expect.objectContaining({
          title: 'First',
          snippet: `${first.slice(0, 299)}…`,
          metadata: { v: 1 },
        }),
      ]);
      await service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'primate', content: 'marmoset lemur, short', metadata: { v: 2 } }],
      });
      expect(await found()).toEqual([
        expect.objectContaining({
          title: null,
          snippet: 'marmoset lemur, short',
          metadata: { v: 2 },
        }),
      ]);
      const filtered = await service.request('POST', '/v1/collections/kb/search', {
        ...query,
        filter: { v: 1 },
      });
      expect(filtered.body.results).toEqual([]);
      await service.request('DELETE', '/v1/collections/kb/documents/primate');
      expect(await found()).toEqual([]);
    });

    it('forgets a deleted collection, and searches a new one of the same name afresh', async () => {
      const search = () =>
        service.request('POST', '/v1/collections/reborn/search', { query: 'walrus tusk' });
      await service.request('PUT', '/v1/collections/reborn', {});
      await service.request('POST', '/v1/collections/reborn/documents', {
        documents: [{ id: 'w', content: 'walrus tusk' }],
      });
      expect(
        (await search()).body.results.map((r: { document_id: string }) => r.document_id),
      ).toEqual(['w']);
      expect((await service.request('DELETE', '/v1/collections/reborn')).status).toBe(204);
      expect((await search()).body.code).toBe('collection_not_found');
      expect((await service.request('PUT', '/v1/collections/reborn', {})).status).toBe(201);
      expect((await search()).body.results).toEqual([]);
      await service.request('POST', '/v1/collections/reborn/documents', {
        documents: [{ id: 'w2', content: 'walrus tusk again' }],
      });
      expect(
        (await search()).body.results.map((r: { document_id: string }) => r.document_id),
      ).toEqual(['w2']);
    });
  });

  describe('embed', () => {
    it('returns one unit-length vector per text and the model name', async () => {
      const { body } = await service.request('POST', '/v1/embed', { texts: ['a cat', 'a dog'] });
      expect(body.model).toBe('aidb-lexical-384');
      expect(body.dimension).toBe(384);
      expect(body.vectors).toHaveLength(2);
      const norm = Math.hypot(...(body.vectors[0] as number[]));
      expect(norm).toBeCloseTo(1, 5);
    });
  });

  describe('garbage collection', () => {
    it('counts expired documents in a dry run and deletes them for real', async () => {
      await service.request('PUT', '/v1/collections/ttl', { ttl_seconds: 60 });
      await service.request('POST', '/v1/collections/ttl/documents', {
        documents: [
          { id: 'old', content: 'stale' },
          { id: 'new', content: 'fresh' },
        ],
      });
      await service.deps.db.pool.query(
        "UPDATE documents SET updated_at = now() - interval '2 minutes' WHERE id = 'old' AND collection_id = (SELECT id FROM collections WHERE name = 'ttl')",
      );
      const dry = await service.request('POST', '/v1/admin/gc', {});
      expect(dry.body).toEqual({
        dry_run: true,
        expired_documents: 1,
        orphan_chunks: 0,
        orphan_points: 0,
      });
      expect((await service.request('GET', '/v1/collections/ttl')).body.document_count).toBe(2);
      const real = await service.request('POST', '/v1/admin/gc', { dry_run: false });
      expect(real.body.expired_documents).toBe(1);
      const left = await service.request('GET', '/v1/collections/ttl/documents');
      expect(left.body.documents.map((d: { id: string }) => d.id)).toEqual(['new']);
      const search = await service.request('POST', '/v1/collections/ttl/search', {
        query: 'stale',
        limit: 10,
      });
      expect(search.body.results.map((r: { document_id: string }) => r.document_id)).toEqual([
        'new',
      ]);
    });
  });

  describe('compatibility routes of the original service', () => {
    it('store, list and search the default collection', async () => {
      const single = await service.request('POST', '/documents', {
        id: 'legacy',
        content: 'legacy clients post single documents about llamas',
      });
      expect(single.body).toEqual({ ids: ['legacy'] });
      const list = await service.request('GET', '/documents');
      expect(list.body.documents.map((d: { id: string }) => d.id)).toContain('legacy');
      const search = await service.request('POST', '/vector/search', { query: 'llamas', limit: 1 });
      expect(search.body.results[0].document_id).toBe('legacy');
      const embed = await service.request('POST', '/vector/embed', { text: 'llamas' });
      expect(embed.body.vectors).toHaveLength(1);
    });
  });
});
