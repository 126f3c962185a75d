import { z } from 'zod';
import { setting } from '../setting.ts';
import { millis } from './primitives.ts';

export const resilience = z
  .object({
    breakerVolumeThreshold: setting(z.number().int().min(1).max(1000).default(5), {
      env: 'AIDB_BREAKER_VOLUME_THRESHOLD',
      doc: 'Calls a circuit breaker must see in its window before it may open.',
    }),
    breakerErrorPercentage: setting(z.number().int().min(1).max(100).default(50), {
      env: 'AIDB_BREAKER_ERROR_PERCENTAGE',
      doc: 'Share of failed calls in the window that opens a breaker.',
    }),
    breakerWindowMs: setting(millis.default(10_000), {
      env: 'AIDB_BREAKER_WINDOW_MS',
      doc: 'Rolling window over which a breaker counts calls and failures.',
    }),
    breakerResetMs: setting(millis.default(10_000), {
      env: 'AIDB_BREAKER_RESET_MS',
      doc: 'Time an open breaker waits before letting one trial call through (half-open).',
    }),
    startupRetryInitialMs: setting(millis.default(250), {
      env: 'AIDB_STARTUP_RETRY_INITIAL_MS',
      doc: 'First wait before start-up retries PostgreSQL (and migrations, and the vector index) after a failure; it doubles each time.',
    }),
    startupRetryMaxMs: setting(millis.default(10_000), {
      env: 'AIDB_STARTUP_RETRY_MAX_MS',
      doc: 'Longest wait between two start-up attempts; each wait is half fixed, half random, so replicas spread out.',
    }),
    retryAfterSeconds: setting(z.number().int().min(1).max(3600).default(5), {
      env: 'AIDB_RETRY_AFTER_SECONDS',
      doc: '`Retry-After` of a 503 caused by a failing dependency (an open breaker says its own).',
    }),
  })
  .strict();
