import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.ts';
import type { Cache } from './cache.ts';

export interface RedisCacheOptions {
  readonly url: string;
  readonly password?: string | undefined;
  /** Per-command limit; a slow cache is worse than none. */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
}

/** The shared cache on Redis; the client reconnects by itself after Redis restarts. */
export function createRedisCache(options: RedisCacheOptions): Cache & { readonly client: Redis } {
  const client = new Redis(options.url, {
    ...(options.password === undefined ? {} : { password: options.password }),
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs,
    // Fail commands at once while disconnected instead of queueing them behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    // ioredis emits on every reconnect attempt; log each distinct failure once.
    if (error.message !== lastError)
      options.logger.warn({ err: { message: error.message } }, 'redis unavailable');
    lastError = error.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  return {
    kind: 'redis',
    client,
    async get(key) {
      return (await client.getBuffer(key)) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      await client.set(key, value, 'EX', ttlSeconds);
    },
    async counter(key) {
      return Number((await client.get(key)) ?? 0);
    },
    increment: (key) => client.incr(key),
    async ping() {
      await client.ping();
    },
    async close() {
      client.disconnect();
      return Promise.resolve();
    },
  };
}
