/**
 * A best-effort byte cache. Callers treat every failure as a miss: the cache makes the service
 * faster, never less available (Redis is the non-critical dependency).
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** Current value of a counter, 0 when absent. */
  counter(key: string): Promise<number>;
  /** Adds one to a counter and returns the new value. */
  increment(key: string): Promise<number>;
  /** Rejects when the cache cannot be reached (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Every key aidb writes starts with this, so a shared Redis can be inspected and flushed by prefix. */
export const cachePrefix = 'aidb:';
