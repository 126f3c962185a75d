import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CollectionVectors } from '../../../service/vectors/collection-vectors.ts';
import { javascriptKernel, loadNativeKernel } from '../../../service/vectors/scan-kernels.ts';

const dimension = 8;
const native = await loadNativeKernel();
// Candidates of the byte-coded pass as few as 2 × k: on these small collections some searches
// are proved from the candidates and others fall back to the float32 scan.
const nativeCoarse = await loadNativeKernel({ least: 1, perHit: 2 });
if (native === undefined || nativeCoarse === undefined) throw new Error('usearch did not load');

function unit(values: readonly number[]): Float32Array {
  const vector = Float32Array.from(values);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

const vectorArb = fc
  .array(fc.integer({ min: -100, max: 100 }), { minLength: dimension, maxLength: dimension })
  .filter((values) => values.some((v) => v !== 0))
  .map(unit);

// A write: put a document with 0–3 chunks (0 deletes it).
const writeArb = fc.record({
  document: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  chunks: fc.array(vectorArb, { maxLength: 3 }),
});

/** The model: what the rows must hold, searched naively. */
function naive(model: Map<string, Float32Array[]>, query: Float32Array, k: number, min: number) {
  return [...model]
    .flatMap(([documentId, chunks]) =>
      chunks.map((embedding, chunkIndex) => ({
        documentId,
        chunkIndex,
        score: embedding.reduce((sum, v, i) => sum + v * (query[i] ?? 0), 0),
      })),
    )
    .filter((hit) => hit.score >= min)
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0) ||
        a.chunkIndex - b.chunkIndex,
    )
    .slice(0, k);
}

describe.each([
  { name: 'JavaScript kernel', kernel: javascriptKernel },
  { name: 'usearch kernel', kernel: native },
  { name: 'usearch kernel, byte-coded first pass', kernel: nativeCoarse },
])('in-process vectors, $name', ({ kernel }) => {
  it('after any sequence of replaces and deletes, finds what a naive search finds', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 30 }),
        vectorArb,
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(-Infinity, 0, 0.3),
        (writes, query, k, min) => {
          // Capacity 1: every write path grows the rows, and removed rows leave stale data
          // beyond the live count that a scan must not read.
          const vectors = new CollectionVectors(dimension, 1);
          const model = new Map<string, Float32Array[]>();
          // Which write put each document: its title and previews name it, and must follow
          // their rows however rows move.
          const writer = new Map<string, number>();
          for (const [n, { document, chunks }] of writes.entries()) {
            vectors.replace(
              document,
              { title: `${document}@${n}`, metadata: { n } },
              chunks.map((embedding, index) => ({
                index,
                embedding,
                preview: `${document}#${index}@${n}`,
              })),
            );
            if (chunks.length === 0) model.delete(document);
            else model.set(document, chunks);
            writer.set(document, n);
          }
          expect(vectors.size).toBe([...model.values()].reduce((n, c) => n + c.length, 0));
          const hits = vectors.search(kernel, query, k, min);
          const expected = naive(model, query, k, min);
          expect(hits.map((h) => `${h.documentId}#${h.chunkIndex}`)).toEqual(
            expected.map((h) => `${h.documentId}#${h.chunkIndex}`),
          );
          hits.forEach((hit, i) => {
            expect(hit.score).toBeCloseTo(expected[i]?.score ?? NaN, 5);
            const n = writer.get(hit.documentId);
            expect(vectors.previewOf(hit.row)).toBe(`${hit.documentId}#${hit.chunkIndex}@${n}`);
            expect(vectors.info(hit.documentId)).toEqual({
              title: `${hit.documentId}@${n}`,
              metadata: { n },
            });
          });
          for (const document of ['a', 'b', 'c', 'd', 'e', 'f'])
            if (!model.has(document)) expect(vectors.info(document)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips rows the filter rejects', () => {
    const vectors = new CollectionVectors(dimension);
    for (const [i, document] of ['x', 'y', 'z'].entries())
      vectors.replace(document, { title: null, metadata: {} }, [
        { index: 0, embedding: unit([i + 1, 1, 0, 0, 0, 0, 0, 0]), preview: document },
      ]);
    const hits = vectors.search(
      kernel,
      unit([1, 0, 0, 0, 0, 0, 0, 0]),
      10,
      -Infinity,
      (d) => d !== 'z',
    );
    expect(hits.map((h) => h.documentId)).toEqual(['y', 'x']);
  });
});

describe('the byte-coded first pass', () => {
  it('falls back to the float32 rows when the codes cannot tell the best row from the rest', () => {
    const vectors = new CollectionVectors(dimension);
    // Rows closer to the query than the codes resolve, the best one last: candidates picked on
    // the codes alone would miss it.
    for (let i = 0; i < 20; i++)
      vectors.replace(`d${String(i).padStart(2, '0')}`, { title: null, metadata: {} }, [
        { index: 0, embedding: unit([1, 0.001 * (20 - i), 0, 0, 0, 0, 0, 0]), preview: '' },
      ]);
    const hits = vectors.search(nativeCoarse, unit([1, 0, 0, 0, 0, 0, 0, 0]), 1, -Infinity);
    expect(hits.map((h) => h.documentId)).toEqual(['d19']);
  });
});
