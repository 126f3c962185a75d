/**
 * What the knowledge base refuses, in its own words. It knows nothing of HTTP:
 * service/http/errors.ts maps each reason to the problem+json answer a client gets.
 */
export type KnowledgeRefusal =
  | 'collection_not_found'
  | 'document_not_found'
  | 'invalid_cursor'
  | 'dimension_mismatch'
  | 'dimension_immutable'
  | 'duplicate_id';

/** One input field at fault, and why. */
export interface FieldFault {
  readonly field: string;
  readonly message: string;
}

/** A request the knowledge base refuses; nothing was changed. */
export class KnowledgeError extends Error {
  readonly reason: KnowledgeRefusal;
  readonly fields: readonly FieldFault[] | undefined;

  constructor(reason: KnowledgeRefusal, message: string, fields?: readonly FieldFault[]) {
    super(message);
    this.name = 'KnowledgeError';
    this.reason = reason;
    this.fields = fields;
  }
}
