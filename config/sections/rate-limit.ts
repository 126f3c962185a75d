import { z } from 'zod';
import { setting } from '../setting.ts';

const perMinute = (fallback: number) => z.number().int().min(1).max(1_000_000).default(fallback);

/** What the service does about rate limits while Redis, which shares them between instances, is down. */
export const redisDownModes = ['memory', 'open', 'closed'] as const;

export const rateLimit = z
  .object({
    enabled: setting(z.boolean().default(true), {
      env: 'AIDB_RATE_LIMIT',
      doc: 'Rate limiting per API key (per client address for unauthenticated routes).',
    }),
    searchPerMinute: setting(perMinute(60), {
      env: 'AIDB_RATE_LIMIT_SEARCH_PER_MINUTE',
      doc: 'Searches and embeddings per key per minute (60: the original service’s limit).',
    }),
    writePerMinute: setting(perMinute(120), {
      env: 'AIDB_RATE_LIMIT_WRITE_PER_MINUTE',
      doc: 'Writes per key per minute.',
    }),
    readPerMinute: setting(perMinute(600), {
      env: 'AIDB_RATE_LIMIT_READ_PER_MINUTE',
      doc: 'Other reads per key per minute.',
    }),
    adminPerMinute: setting(perMinute(30), {
      env: 'AIDB_RATE_LIMIT_ADMIN_PER_MINUTE',
      doc: 'Admin calls per key per minute.',
    }),
    unauthenticatedPerMinute: setting(perMinute(120), {
      env: 'AIDB_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE',
      doc: 'Requests per client address per minute on routes that need no key (health, OpenAPI).',
    }),
    authFailuresPerMinute: setting(perMinute(10), {
      env: 'AIDB_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
      doc: 'Failed authentications per client address per minute before it is refused outright.',
    }),
    whenRedisDown: setting(z.enum(redisDownModes).default('memory'), {
      env: 'AIDB_RATE_LIMIT_WHEN_REDIS_DOWN',
      doc: '`memory`: each instance limits on its own; `open`: allow everything; `closed`: refuse with 503.',
    }),
  })
  .strict();
