import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBuiltinEmbedder, embedText, stem } from '../../../service/embeddings/builtin.ts';
import { normalize } from '../../../service/embeddings/embedder.ts';

/**
 * The embedder's definition written plainly (feature names counted in a map in order of first
 * appearance, then hashed and summed in that order): the fast implementation must give exactly
 * these vectors, bit for bit, since vectors already stored were made by it.
 */
function reference(text: string, dimension: number): Float32Array {
  const fnv = (name: string): number => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  };
  const stop = new Set(
    'a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(
      ' ',
    ),
  );
  const counts = new Map<string, number>();
  const add = (name: string): void => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
  words.forEach((word, i) => {
    if (!stop.has(word)) add(`w:${word}`);
    if (i + 1 < words.length) add(`b:${word} ${words[i + 1]}`);
    const padded = ` ${word} `;
    for (let j = 0; j + 3 <= padded.length; j++) add(`t:${padded.slice(j, j + 3)}`);
  });
  if (words.length === 0)
    for (let j = 0; j + 3 <= text.length + 2; j++) add(`c:${` ${text} `.slice(j, j + 3)}`);
  const vector = new Float32Array(dimension);
  for (const [name, count] of counts) {
    const hash = fnv(name);
    const weight = name.startsWith('t:') || name.startsWith('c:') ? 0.1 : 1;
    const slot = hash % dimension;
    vector[slot] =
      (vector[slot] ?? 0) + (hash & 0x80000000 ? -1 : 1) * weight * (1 + Math.log(count));
  }
  return normalize(vector);
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
}

describe('the built-in lexical embedder', () => {
  it('is deterministic', () => {
    expect(Array.from(embedText('the same text', 384))).toEqual(
      Array.from(embedText('the same text', 384)),
    );
  });

  it('gives exactly the vectors of its plain definition', () => {
    const words = fc.constantFrom('the', 'index', 'indexes', 'café', '東京', 'a1', 'of', 'runs');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.array(words, { maxLength: 40 }).map((w) => w.join(' ')),
        ),
        fc.constantFrom(16, 384),
        (text, dimension) => {
          expect(Buffer.from(embedText(text, dimension).buffer)).toEqual(
            Buffer.from(reference(text, dimension).buffer),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    // Word features with the same 32-bit FNV-1a hash.
    '03zlaa9 fpapaa9 03zlaa9 x fpapaa9',
    // Word features whose hashes share their lowest 16 bits, so they probe the same slots.
    'bdaa9 5cca9 bdaa9 5cca9 5cca9',
  ])('keeps features apart whose hashes collide: %s', (text) => {
    expect(Buffer.from(embedText(text, 384).buffer)).toEqual(
      Buffer.from(reference(text, 384).buffer),
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
