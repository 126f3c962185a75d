import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointId, qdrantCollectionName } from '../../../service/vectors/qdrant.ts';
import { externalBackends, type ProfileBackends } from '../../support/profiles.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';

describe('the service with Qdrant as its vector index (contract stub)', () => {
  let backends: ProfileBackends;
  let qdrant: QdrantStub;
  let service: TestService;
  beforeAll(async () => {
    backends = await externalBackends();
    qdrant = await startQdrantStub({ apiKey: 'secret-qdrant-key' });
    service = await startTestService({
      env: {
        ...(await backends.env()),
        QDRANT_URL: qdrant.url,
        QDRANT_API_KEY: 'secret-qdrant-key',
      },
    });
    await service.request('PUT', '/v1/collections/kb', {});
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [
        {
          id: 'cats',
          content: 'Cats purr and sleep most of the day.',
          metadata: { animal: 'cat' },
        },
        { id: 'dogs', content: 'Dogs bark and fetch sticks.', metadata: { animal: 'dog' } },
      ],
    });
  });
  afterAll(async () => {
    await service.stop();
    await qdrant.close();
    await backends.close();
  });

  it('reports qdrant as the index and searches through it', async () => {
    expect((await service.request('GET', '/v1/collections/kb')).body.index).toBe('qdrant');
    const search = await service.request('POST', '/v1/collections/kb/search', {
      query: 'dogs bark',
      filter: { animal: 'dog' },
    });
    expect(search.body.results.map((r: { document_id: string }) => r.document_id)).toEqual([
      'dogs',
    ]);
    expect(qdrant.requests.some((r) => r.path.endsWith('/points/query'))).toBe(true);
  });

  it('collects points whose row is gone, and Qdrant collections whose aidb collection is gone', async () => {
    const { rows } = await service.deps.db.pool.query(
      "SELECT id FROM collections WHERE name = 'kb'",
    );
    const collectionId = Number(rows[0].id);
    const name = qdrantCollectionName({ id: collectionId });
    qdrant.state.collections.get(name)?.points.set(pointId(collectionId, 'ghost', 0), {
      id: pointId(collectionId, 'ghost', 0),
      vector: Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)),
      payload: { document_id: 'ghost', chunk_index: 0, meta: [] },
    });
    qdrant.state.collections.set('aidb_999999', {
      vectors: { size: 384, distance: 'Cosine' },
      points: new Map([
        ['x', { id: 'x', vector: [1], payload: { document_id: 'x', chunk_index: 0 } }],
      ]),
    });
    const dry = await service.request('POST', '/v1/admin/gc', {});
    expect(dry.body).toEqual({
      dry_run: true,
      expired_documents: 0,
      orphan_chunks: 0,
      orphan_points: 2,
    });
    const real = await service.request('POST', '/v1/admin/gc', { dry_run: false });
    expect(real.body.orphan_points).toBe(2);
    expect(qdrant.state.collections.has('aidb_999999')).toBe(false);
    expect([...(qdrant.state.collections.get(name)?.points.keys() ?? [])]).not.toContain(
      pointId(collectionId, 'ghost', 0),
    );
    expect((await service.request('POST', '/v1/admin/gc', {})).body.orphan_points).toBe(0);
  });

  it("drops a shortened document's old chunks from Qdrant", async () => {
    const long = Array.from(
      { length: 40 },
      (_, i) => `Paragraph ${i} about owls hunting at night.`,
    ).join('\n\n');
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [{ id: 'owls', content: long }],
    });
    const before = (await service.request('GET', '/v1/collections/kb/documents/owls')).body
      .chunk_count;
    expect(before).toBeGreaterThan(1);
    await service.request('POST', '/v1/collections/kb/documents', {
      documents: [{ id: 'owls', content: 'Owls are birds.' }],
    });
    const points = [...qdrant.state.collections.values()]
      .flatMap((c) => [...c.points.values()])
      .filter((p) => p.payload.document_id === 'owls');
    expect(points.map((p) => p.payload.chunk_index)).toEqual([0]);
  });

  describe('garbage collection racing a write that Qdrant applied and the database has not committed', () => {
    /** Holds Qdrant's answer to the first request matching `hold`, until `release`. */
    function holdFirst(hold: (r: { method: string; path: string }) => boolean) {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let held = false;
      qdrant.faults.holdAnswer = (request) => {
        if (held || !hold(request)) return undefined;
        held = true;
        return released;
      };
      return {
        release: () => {
          qdrant.faults.holdAnswer = undefined;
          release();
        },
      };
    }

    /** Runs a real gc while the write waits; without the lock, gc finishes first and deletes. */
    async function collectWhileHeld(gate: { release(): void }): Promise<number> {
      const seen = qdrant.requests.length;
      const gc = service.request('POST', '/v1/admin/gc', { dry_run: false });
      await waitFor('gc to list the Qdrant collections', () =>
        qdrant.requests.slice(seen).some((r) => r.method === 'GET' && r.path === '/collections'),
      );
      await Promise.race([gc, new Promise((resolve) => setTimeout(resolve, 500))]);
      gate.release();
      return (await gc).body.orphan_points;
    }

    it('keeps a collection whose creation has not committed yet', async () => {
      const before = new Set(qdrant.state.collections.keys());
      const gate = holdFirst((r) => r.method === 'PUT' && /^\/collections\/aidb_\d+$/.test(r.path));
      const created = service.request('PUT', '/v1/collections/racing', {});
      await waitFor('Qdrant to have the new collection', () =>
        [...qdrant.state.collections.keys()].some((name) => !before.has(name)),
      );
      const name = [...qdrant.state.collections.keys()].find((n) => !before.has(n)) ?? '';
      expect(await collectWhileHeld(gate)).toBe(0);
      expect((await created).status).toBe(201);
      expect(qdrant.state.collections.has(name)).toBe(true);
    });

    it('keeps the points of an ingest that has not committed yet, and search finds them', async () => {
      const gate = holdFirst((r) => r.method === 'PUT' && r.path.endsWith('/points'));
      const ingested = service.request('POST', '/v1/collections/kb/documents', {
        documents: [{ id: 'late', content: 'Herons stand still in shallow water.' }],
      });
      await waitFor('Qdrant to hold the new points', () =>
        [...qdrant.state.collections.values()].some((c) =>
          [...c.points.values()].some((p) => p.payload.document_id === 'late'),
        ),
      );
      expect(await collectWhileHeld(gate)).toBe(0);
      expect((await ingested).status).toBe(200);
      const search = await service.request('POST', '/v1/collections/kb/search', {
        query: 'herons shallow water',
      });
      expect(search.body.results[0]?.document_id).toBe('late');
    });
  });
});
