import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../service/http/problems.ts';
import { decodeCursor, encodeCursor } from '../../../service/knowledge/cursor.ts';

describe('cursors', () => {
  it('round-trip', () => {
    expect(decodeCursor(encodeCursor({ after: 'doc-9', o: 3 }))).toEqual({
      after: 'doc-9',
      o: 3,
    });
  });

  it.each([
    '%%%',
    'bm90IGpzb24',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('null').toString('base64url'),
  ])('reject %s with a 400 invalid_cursor', (cursor) => {
    const error = (() => {
      try {
        decodeCursor(cursor);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ code: 'invalid_cursor', status: 400 });
  });
});
