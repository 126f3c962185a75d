import type { Cache } from './cache.ts';

interface Entry {
  readonly value: Buffer;
  readonly expiresAt: number;
}

/**
 * In-process LRU cache for the embedded profile and as the fallback when no Redis is set.
 * A Map keeps insertion order, so re-inserting on read makes the first key the least recent.
 */
export function createMemoryCache(maxEntries = 10_000, now: () => number = Date.now): Cache {
  const entries = new Map<string, Entry>();
  const counters = new Map<string, number>();
  return {
    kind: 'memory',
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      entries.delete(key);
      if (entry.expiresAt <= now()) return Promise.resolve(undefined);
      entries.set(key, entry);
      return Promise.resolve(entry.value);
    },
    set(key, value, ttlSeconds) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
      return Promise.resolve();
    },
    counter: (key) => Promise.resolve(counters.get(key) ?? 0),
    increment(key) {
      const next = (counters.get(key) ?? 0) + 1;
      counters.set(key, next);
      return Promise.resolve(next);
    },
    ping: () => Promise.resolve(),
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
