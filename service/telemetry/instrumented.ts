import type pg from 'pg';
import type { Cache } from '../cache/cache.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { DependencyCall } from '../resilience/guard.ts';
import type { EmbeddingTelemetry } from './embedding-telemetry.ts';

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** `target.query`, timed and traced; callers only use the promise form of pg's query. */
function timedQuery(target: object, call: DependencyCall): QueryFn {
  const query = Reflect.get(target, 'query') as QueryFn;
  return (...args) => call('postgres', 'query', () => query.apply(target, args));
}

/**
 * The pool with every statement and every connection checkout timed, traced and counted as a
 * PostgreSQL dependency call. Everything else passes through unchanged.
 */
export function instrumentPool(pool: pg.Pool, call: DependencyCall): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return timedQuery(target, call);
      if (property === 'connect') {
        return async () => {
          const client = await call('postgres', 'connect', () => target.connect());
          return new Proxy(client, {
            get(inner, name, innerReceiver) {
              if (name === 'query') return timedQuery(inner, call);
              const value: unknown = Reflect.get(inner, name, innerReceiver);
              return typeof value === 'function'
                ? (value as (...a: unknown[]) => unknown).bind(inner)
                : value;
            },
          });
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** The shared Redis cache with its calls traced, timed and counted. */
export function instrumentCache(cache: Cache, call: DependencyCall): Cache {
  return {
    kind: cache.kind,
    get: (key) => call('redis', 'cache_get', () => cache.get(key)),
    set: (key, value, ttl) => call('redis', 'cache_set', () => cache.set(key, value, ttl)),
    counter: (key) => call('redis', 'cache_get', () => cache.counter(key)),
    increment: (key) => call('redis', 'cache_set', () => cache.increment(key)),
    ping: () => call('redis', 'ping', () => cache.ping()),
    close: () => cache.close(),
  };
}

/** The embedder with batch sizes and durations recorded; a remote one is also a dependency. */
export function instrumentEmbedder(
  embedder: Embedder,
  call: DependencyCall,
  telemetry: EmbeddingTelemetry,
): Embedder {
  return {
    backend: embedder.backend,
    model: embedder.model,
    dimension: embedder.dimension,
    async embed(texts, signal) {
      const started = performance.now();
      const embed = () => embedder.embed(texts, signal);
      const vectors =
        embedder.backend === 'http' ? await call('embeddings', 'embed', embed) : await embed();
      telemetry.embedded(embedder.backend, (performance.now() - started) / 1000, texts.length);
      return vectors;
    },
  };
}
