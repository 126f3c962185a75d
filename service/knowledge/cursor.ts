import { KnowledgeError } from './errors.ts';

/**
 * Opaque cursors: base64url JSON, so clients cannot depend on their shape and a tampered one is
 * a clean 400 rather than a query on garbage.
 */
export function encodeCursor(value: Readonly<Record<string, string | number>>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Falls through to the 400 below: the text was not a cursor this service issued.
  }
  throw new KnowledgeError('invalid_cursor', 'cursor is not one this service issued', [
    { field: 'cursor', message: 'invalid cursor' },
  ]);
}
