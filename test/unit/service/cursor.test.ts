import { describe, expect, it } from 'vitest';
import { toProblem } from '../../../service/http/errors.ts';
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
    // The knowledge layer refuses in its own words; the HTTP layer makes the 400 of them.
    const error = (() => {
      try {
        decodeCursor(cursor);
      } catch (caught) {
        return toProblem(caught, 5);
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ code: 'invalid_cursor', status: 400 });
  });
});
