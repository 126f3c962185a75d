import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../../service/embeddings/embedder.ts';
import { insertCollection } from '../../../service/store/collections.ts';
import {
  deleteDocuments,
  writeDocuments,
  type DocumentWrite,
  type Metadata,
} from '../../../service/store/documents.ts';
import { transaction } from '../../../service/store/sql.ts';
import type { IndexedCollection, IndexedDocument } from '../../../service/vectors/vector-index.ts';
import { describeWith } from '../../support/not-checked.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import {
  exactSqlOnPostgres,
  qdrantOnStub,
  pgvectorInPglite,
  pgvectorOnPostgres,
  type IndexUnderTest,
} from '../../support/vector-backends.ts';
import { javascriptKernel, loadNativeKernel } from '../../../service/vectors/scan-kernels.ts';
import { memoryIndexInPglite } from './memory-backend.ts';

const dimension = 16;

/** A deterministic unit vector per seed, so every backend sees the same data. */
function vectorFor(seed: string): Float32Array {
  const bytes = createHash('sha512').update(seed).digest();
  return normalize(Float32Array.from({ length: dimension }, (_, i) => (bytes[i] ?? 0) / 255 - 0.5));
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
}

interface Doc {
  readonly id: string;
  readonly metadata: Metadata;
  readonly chunks: number;
}

const docs: readonly Doc[] = Array.from({ length: 30 }, (_, i) => ({
  id: `doc-${String(i).padStart(2, '0')}`,
  metadata: { parity: i % 2 === 0 ? 'even' : 'odd', group: i % 3 },
  chunks: 1 + (i % 3),
}));

function writes(list: readonly Doc[], salt = ''): DocumentWrite[] {
  return list.map((doc) => ({
    id: doc.id,
    title: `Title of ${doc.id}`,
    content: doc.id,
    metadata: doc.metadata,
    source: null,
    contentSha256: 'x',
    chunks: Array.from({ length: doc.chunks }, (_, index) => ({
      index,
      content: `${doc.id}#${index}`,
      embedding: vectorFor(`${salt}${doc.id}#${index}`),
    })),
  }));
}

/** Documents as the service hands them to an index: with the title a hydrated hit shows. */
function indexed(list: readonly DocumentWrite[]): IndexedDocument[] {
  return list.map((d) => ({
    documentId: d.id,
    title: d.title,
    metadata: d.metadata,
    chunks: d.chunks,
  }));
}

/** The exact answer: every chunk by cosine similarity, best first, ties by key. */
function bruteForce(
  query: Float32Array,
  list: readonly DocumentWrite[],
): { key: string; score: number }[] {
  return list
    .flatMap((doc) =>
      doc.chunks.map((chunk) => ({
        key: `${doc.id}#${chunk.index}`,
        score: dot(query, chunk.embedding),
      })),
    )
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
}

const nativeKernel = await loadNativeKernel();
// The byte-coded first pass with as few candidates as 2 × k, so these small collections take it.
const coarseKernel = await loadNativeKernel({ least: 1, perHit: 2 });
if (nativeKernel === undefined || coarseKernel === undefined)
  throw new Error('usearch did not load');

const backends = [
  { name: 'pgvector in PGlite', open: pgvectorInPglite, hydrates: true },
  {
    name: 'in-process exact search, usearch kernel',
    open: () => memoryIndexInPglite(nativeKernel),
    hydrates: true,
  },
  {
    name: 'in-process exact search, usearch kernel, byte-coded first pass',
    open: () => memoryIndexInPglite(coarseKernel),
    hydrates: true,
  },
  {
    name: 'in-process exact search, JavaScript kernel',
    open: () => memoryIndexInPglite(javascriptKernel),
    hydrates: true,
  },
  { name: 'exact SQL on PostgreSQL 15', open: exactSqlOnPostgres, hydrates: false },
  { name: 'Qdrant (contract stub of its REST API)', open: qdrantOnStub, hydrates: false },
] as const;

/** `hydrates`: the index answers with what a result shows (`searchHydrated`). */
function contract(open: () => Promise<IndexUnderTest>, hydrates: boolean): void {
  let backend: IndexUnderTest;
  let collection: IndexedCollection;
  let other: IndexedCollection;
  const stored = writes(docs);

  async function ingest(target: IndexedCollection, list: readonly DocumentWrite[]): Promise<void> {
    await transaction(backend.pool, async (tx) => {
      await writeDocuments(tx, target.id, list);
      await backend.index.upsert(tx, target, indexed(list));
    });
    backend.index.afterCommit(target, indexed(list));
  }

  const keys = (hits: { documentId: string; chunkIndex: number }[]) =>
    hits.map((h) => `${h.documentId}#${h.chunkIndex}`);

  beforeAll(async () => {
    backend = await open();
    for (const name of ['main', 'other']) {
      const row = await insertCollection(backend.pool, name, dimension, {});
      if (row === undefined) throw new Error('collection not created');
      await backend.index.createCollection(row, backend.pool);
      if (name === 'main') collection = row;
      else other = row;
    }
    await ingest(collection, stored);
    await ingest(other, writes(docs.slice(0, 5), 'other-'));
    await backend.settle();
  });
  afterAll(async () => {
    await backend.close();
  });

  it('finds the exact nearest chunks, best first, with cosine scores', async () => {
    for (const seed of ['q1', 'q2', 'q3']) {
      const query = vectorFor(seed);
      const hits = await backend.index.search(collection, { vector: query, limit: 5, offset: 0 });
      const expected = bruteForce(query, stored).slice(0, 5);
      expect(keys(hits)).toEqual(expected.map((e) => e.key));
      hits.forEach((hit, i) => {
        expect(hit.score).toBeCloseTo(expected[i]?.score ?? NaN, 5);
      });
    }
  });

  const checkHydrated = async (): Promise<void> => {
    const index = backend.index;
    if (index.searchHydrated === undefined) throw new Error('expected searchHydrated');
    const query = { vector: vectorFor('hydrated'), limit: 6, offset: 2, minScore: -1 };
    const hits = await index.search(collection, query);
    const hydrated = await index.searchHydrated(collection, query);
    expect(keys(hydrated)).toEqual(keys(hits));
    expect(keys(hydrated)).toEqual(
      bruteForce(query.vector, stored)
        .slice(2, 8)
        .map((e) => e.key),
    );
    for (const hit of hydrated) {
      const doc = stored.find((d) => d.id === hit.documentId);
      expect(hit.title).toBe(doc?.title);
      expect(hit.metadata).toEqual(doc?.metadata);
      expect(hit.content).toBe(`${hit.documentId}#${String(hit.chunkIndex)}`);
    }
  };

  // The list of backends says which answer hydrated; a new searchHydrated must be tested.
  if (hydrates) {
    it('answers with what a result shows: the same hits as search', checkHydrated);
  } else {
    it('leaves hydration to the store', () => {
      expect(typeof backend.index.searchHydrated).toBe('undefined');
    });
  }

  it('counts every chunk of the collection', async () => {
    expect(await backend.index.count(collection)).toBe(
      stored.reduce((n, d) => n + d.chunks.length, 0),
    );
    expect(await backend.index.count(other)).toBe(
      writes(docs.slice(0, 5)).reduce((n, d) => n + d.chunks.length, 0),
    );
  });

  it('pages with offset without overlap', async () => {
    const query = vectorFor('paging');
    const first = await backend.index.search(collection, { vector: query, limit: 4, offset: 0 });
    const second = await backend.index.search(collection, { vector: query, limit: 4, offset: 4 });
    expect([...keys(first), ...keys(second)]).toEqual(
      bruteForce(query, stored)
        .slice(0, 8)
        .map((e) => e.key),
    );
  });

  it('keeps only documents whose metadata equals the filter', async () => {
    const query = vectorFor('filter');
    const hits = await backend.index.search(collection, {
      vector: query,
      limit: 10,
      offset: 0,
      filter: { parity: 'even', group: 0 },
    });
    const allowed = stored.filter((d) => d.metadata.parity === 'even' && d.metadata.group === 0);
    expect(keys(hits)).toEqual(
      bruteForce(query, allowed)
        .slice(0, 10)
        .map((e) => e.key),
    );
  });

  it('drops hits below min_score', async () => {
    const query = vectorFor('threshold');
    const hits = await backend.index.search(collection, {
      vector: query,
      limit: 50,
      offset: 0,
      minScore: 0.2,
    });
    expect(keys(hits)).toEqual(
      bruteForce(query, stored)
        .filter((e) => e.score >= 0.2)
        .slice(0, 50)
        .map((e) => e.key),
    );
  });

  it('never returns chunks of another collection', async () => {
    const query = vectorFor('other-doc-00#0');
    const hits = await backend.index.search(other, { vector: query, limit: 100, offset: 0 });
    expect(hits[0]).toMatchObject({ documentId: 'doc-00', chunkIndex: 0 });
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    expect(new Set(hits.map((h) => h.documentId))).toEqual(
      new Set(docs.slice(0, 5).map((d) => d.id)),
    );
  });

  it('forgets deleted documents and replaced chunks', async () => {
    const [victim, replaced] = [docs[6], docs[7]] as [Doc, Doc];
    await deleteDocuments(backend.pool, collection.id, [victim.id]);
    await backend.index.remove(collection, [victim.id]);
    await ingest(collection, writes([{ ...replaced, chunks: 1 }], 'new-'));
    await backend.settle();
    const victimHits = await backend.index.search(collection, {
      vector: vectorFor(`${victim.id}#0`),
      limit: 3,
      offset: 0,
    });
    expect(victimHits.map((h) => h.documentId)).not.toContain(victim.id);
    const replacedHits = await backend.index.search(collection, {
      vector: vectorFor(`new-${replaced.id}#0`),
      limit: 1,
      offset: 0,
    });
    expect(replacedHits[0]).toMatchObject({ documentId: replaced.id, chunkIndex: 0 });
    expect(replacedHits[0]?.score).toBeCloseTo(1, 5);
    expect(await backend.index.count(collection)).toBe(
      stored.reduce((n, d) => n + d.chunks.length, 0) - victim.chunks - replaced.chunks + 1,
    );
  });

  it('answers an empty collection with no hits', async () => {
    const row = await insertCollection(backend.pool, 'empty', dimension, {});
    if (row === undefined) throw new Error('collection not created');
    await backend.index.createCollection(row, backend.pool);
    expect(
      await backend.index.search(row, { vector: vectorFor('x'), limit: 10, offset: 0 }),
    ).toEqual([]);
    expect(await backend.index.count(row)).toBe(0);
  });

  it('reports no orphans when every vector has its row', async () => {
    expect(await backend.index.collectOrphans(backend.pool, true)).toBe(0);
  });
}

describe.each(backends)('the vector index contract: $name', ({ open, hydrates }) => {
  contract(open, hydrates);
});

describeWith(
  pgvectorMissing(),
  'the vector index contract: pgvector on PostgreSQL 15 (pool of 8)',
  () => {
    contract(pgvectorOnPostgres, true);
  },
);

describe('pgvector with deferred indexing', () => {
  it('finds chunks that are stored but not yet in the HNSW graph', async () => {
    const backend = await pgvectorInPglite();
    try {
      const row = await insertCollection(backend.pool, 'fresh', dimension, {});
      if (row === undefined) throw new Error('collection not created');
      await backend.index.createCollection(row, backend.pool);
      const list = writes(docs.slice(0, 10));
      await transaction(backend.pool, async (tx) => {
        await writeDocuments(tx, row.id, list);
        await backend.index.upsert(tx, row, indexed(list));
      });
      // No afterCommit: the indexer has not run, so everything is still queued.
      const { rows } = await backend.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM pgvector_pending',
      );
      expect(Number(rows[0]?.n)).toBe(list.reduce((n, d) => n + d.chunks.length, 0));
      const query = vectorFor('pending');
      const hits = await backend.index.search(row, { vector: query, limit: 5, offset: 0 });
      expect(hits.map((h) => `${h.documentId}#${h.chunkIndex}`)).toEqual(
        bruteForce(query, list)
          .slice(0, 5)
          .map((e) => e.key),
      );
      backend.index.afterCommit(row, []);
      await backend.settle();
      const after = await backend.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM pgvector_pending',
      );
      expect(Number(after.rows[0]?.n)).toBe(0);
    } finally {
      await backend.close();
    }
  });
});
