import type { DependencyErrorType } from '../../catalog/labels.ts';
import { DependencyError } from '../dependencies/dependency-error.ts';

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * Sorts a failed dependency call into the few kinds an alert can act on. PostgreSQL errors are
 * read from their SQLSTATE class (postgresql.org/docs/current/errcodes-appendix.html).
 */
export function classifyError(error: unknown): DependencyErrorType {
  if (error instanceof DependencyError) return error.kind;
  const { code, name, message } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (name === 'CircuitOpenError') return 'circuit_open';
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    /timed? ?out/i.test(text) ||
    code === '57014'
  )
    return 'timeout';
  if (typeof code === 'string') {
    if (connectionCodes.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02')
      return 'connection';
    if (/^(22|23|42)/.test(code)) return 'rejected';
    if (/^(53|57|58|XX)/.test(code)) return 'server_error';
  }
  if (/connection|connect|closed|terminated|writeable/i.test(text)) return 'connection';
  return 'other';
}
