import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBuiltinEmbedder, embedText, stem } from '../../../service/embeddings/builtin.ts';

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
}

describe('the built-in lexical embedder', () => {
  it('is deterministic', () => {
    expect(Array.from(embedText('the same text', 384))).toEqual(
      Array.from(embedText('the same text', 384)),
    );
  });

  it('returns unit-length vectors of the configured dimension for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 2, max: 512 }),
        (text, dimension) => {
          const vector = embedText(text, dimension);
          expect(vector).toHaveLength(dimension);
          expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
        },
      ),
    );
  });

  it('scores texts that share words above texts that do not', () => {
    const query = embedText('replication lag in postgres', 384);
    const related = embedText('How to measure replication lag on a Postgres standby', 384);
    const unrelated = embedText('Bananas are yellow and rich in potassium', 384);
    expect(dot(query, related)).toBeGreaterThan(dot(query, unrelated) + 0.3);
  });

  it.each([
    ['indexing', 'index'],
    ['indexed', 'index'],
    ['indexes', 'index'],
    ['documents', 'document'],
    ['queries', 'query'],
    ['classes', 'class'],
    ['status', 'status'],
    ['quickly', 'quick'],
    ['bus', 'bus'],
    ['größe', 'größe'],
  ])('stems %s to %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('is case-insensitive and tolerant of inflection', () => {
    const base = embedText('indexing documents', 384);
    expect(dot(base, embedText('INDEXING DOCUMENTS', 384))).toBeCloseTo(1, 5);
    expect(dot(base, embedText('indexed document', 384))).toBeGreaterThan(0.6);
  });

  it('names its model after its dimension', async () => {
    const embedder = createBuiltinEmbedder(128);
    expect(embedder.model).toBe('aidb-lexical-128');
    const [vector] = await embedder.embed(['x']);
    expect(vector).toHaveLength(128);
  });
});
