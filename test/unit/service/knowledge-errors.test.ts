import { describe, expect, it } from 'vitest';
import { toProblem } from '../../../service/http/errors.ts';
import { KnowledgeError, type KnowledgeRefusal } from '../../../service/knowledge/errors.ts';

describe('refusals of the knowledge base as problem+json', () => {
  it.each<[KnowledgeRefusal, number]>([
    ['collection_not_found', 404],
    ['document_not_found', 404],
    ['invalid_cursor', 400],
    ['dimension_mismatch', 400],
    ['dimension_immutable', 409],
    ['duplicate_id', 400],
  ])(
    '%s becomes the problem of that code, status %i, with the message as detail',
    (reason, status) => {
      const problem = toProblem(new KnowledgeError(reason, 'what went wrong'), 5);
      expect([problem.code, problem.status, problem.message, problem.errors]).toEqual([
        reason,
        status,
        'what went wrong',
        undefined,
      ]);
    },
  );

  it('keeps the fields at fault', () => {
    const fields = [{ field: 'documents.1.id', message: 'repeats the id of documents.0' }];
    const problem = toProblem(new KnowledgeError('duplicate_id', 'ids repeat', fields), 5);
    expect(problem.errors).toEqual(fields);
  });
});
