import { z } from 'zod';
import { setting } from '../setting.ts';
import { millis } from './primitives.ts';

export const health = z
  .object({
    readyCacheMs: setting(z.number().int().min(0).max(2_000).default(1_000), {
      env: 'AIDB_READY_CACHE_MS',
      doc: 'How long the service reuses a readiness result (at most 2 s), so probes cannot flood dependencies.',
    }),
    checkTimeoutMs: setting(millis.max(10_000).default(1_000), {
      env: 'AIDB_HEALTH_CHECK_TIMEOUT_MS',
      doc: 'Time each dependency check may take before it counts as failed.',
    }),
    eventLoopStallMs: setting(millis.default(2_000), {
      env: 'AIDB_EVENT_LOOP_STALL_MS',
      doc: 'Event-loop delay beyond which liveness answers 503 (the process is stuck).',
    }),
  })
  .strict();
