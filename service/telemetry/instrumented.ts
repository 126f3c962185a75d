import type pg from 'pg';
import type { Cache } from '../cache/cache.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { ServiceTelemetry } from './service-telemetry.ts';

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** `target.query`, timed and traced; callers only use the promise form of pg's query. */
function timedQuery(target: object, telemetry: ServiceTelemetry): QueryFn {
  const query = Reflect.get(target, 'query') as QueryFn;
  return (...args) => telemetry.dependency('postgres', 'query', () => query.apply(target, args));
}

/**
 * The pool with every statement and every connection checkout timed, traced and counted as a
 * PostgreSQL dependency call. Everything else passes through unchanged.
 */
export function instrumentPool(pool: pg.Pool, telemetry: ServiceTelemetry): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return timedQuery(target, telemetry);
      if (property === 'connect') {
        return async () => {
          const client = await telemetry.dependency('postgres', 'connect', () => target.connect());
          return new Proxy(client, {
            get(inner, name, innerReceiver) {
              if (name === 'query') return timedQuery(inner, telemetry);
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
export function instrumentCache(cache: Cache, telemetry: ServiceTelemetry): Cache {
  return {
    kind: cache.kind,
    get: (key) => telemetry.dependency('redis', 'cache_get', () => cache.get(key)),
    set: (key, value, ttl) =>
      telemetry.dependency('redis', 'cache_set', () => cache.set(key, value, ttl)),
    counter: (key) => telemetry.dependency('redis', 'cache_get', () => cache.counter(key)),
    increment: (key) => telemetry.dependency('redis', 'cache_set', () => cache.increment(key)),
    close: () => cache.close(),
  };
}

/** The embedder with batch sizes and durations recorded; a remote one is also a dependency. */
export function instrumentEmbedder(embedder: Embedder, telemetry: ServiceTelemetry): Embedder {
  return {
    backend: embedder.backend,
    model: embedder.model,
    dimension: embedder.dimension,
    async embed(texts, signal) {
      const started = performance.now();
      const call = () => embedder.embed(texts, signal);
      const vectors =
        embedder.backend === 'http'
          ? await telemetry.dependency('embeddings', 'embed', call)
          : await call();
      telemetry.embedded(embedder.backend, (performance.now() - started) / 1000, texts.length);
      return vectors;
    },
  };
}
