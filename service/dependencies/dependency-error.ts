import type { DependencyName } from '../../catalog/dependencies.ts';

export type DependencyErrorKind =
  'timeout' | 'connection' | 'server_error' | 'rejected' | 'invalid_response' | 'circuit_open';

/**
 * A call to a dependency failed, and how. The kind drives breakers, the error metric and the 503
 * the client gets; the message never holds URLs or keys, since clients may see it.
 */
export class DependencyError extends Error {
  readonly dependency: DependencyName;
  readonly kind: DependencyErrorKind;
  /** Seconds until a retry can succeed, when the failure knows (an open breaker does). */
  retryAfterSeconds: number | undefined;

  constructor(
    dependency: DependencyError['dependency'],
    kind: DependencyErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency}: ${message}`, options);
    this.name = 'DependencyError';
    this.dependency = dependency;
    this.kind = kind;
    this.retryAfterSeconds = undefined;
  }
}
