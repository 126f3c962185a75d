import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../service/embeddings/chunking.ts';

describe('chunkText', () => {
  it('keeps short text as one chunk', () => {
    expect(chunkText('short text')).toEqual(['short text']);
  });

  it('cuts at paragraph breaks before sentence and word breaks', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(30)}. ${'c'.repeat(30)}`;
    expect(chunkText(text, { size: 100, overlap: 10 })[0]).toBe(`${'a'.repeat(60)}\n\n`);
  });

  it('refuses an overlap as large as the chunk', () => {
    expect(() => chunkText('x', { size: 10, overlap: 10 })).toThrow(
      'chunking: overlap must be smaller than size',
    );
  });

  it('covers the whole text in order, within the size, never splitting a character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '.', '\n', '😀', 'é'), maxLength: 600 }),
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 0, max: 19 }),
        (text, size, overlap) => {
          const chunks = chunkText(text, { size, overlap });
          if (text.length === 0) {
            expect(chunks).toEqual([]);
            return;
          }
          for (const chunk of chunks) {
            expect(chunk.length).toBeLessThanOrEqual(size);
            expect(chunk.isWellFormed()).toBe(true);
          }
          expect(chunks[0]).toBe(text.slice(0, chunks[0]?.length));
          expect(text.endsWith(chunks.at(-1) ?? '')).toBe(true);
          // Every character is in some chunk: the chunks, overlaps removed, rebuild the text.
          let position = 0;
          for (const chunk of chunks) {
            const at = text.indexOf(chunk, Math.max(0, position - overlap - 1));
            expect(at).toBeGreaterThanOrEqual(0);
            expect(at).toBeLessThanOrEqual(position);
            position = at + chunk.length;
          }
          expect(position).toBe(text.length);
        },
      ),
    );
  });
});
