import { z } from 'zod';
import { checkTypes, healthStatuses } from '../../catalog/labels.ts';
import { timestamp } from './common.ts';

/** A probe's answer: the original service's fields, with values that can now be false. */
export const healthReport = z.object({
  status: z.enum(healthStatuses),
  check_type: z.enum(checkTypes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  timestamp,
  duration_ms: z.number(),
});
export type HealthReport = z.infer<typeof healthReport>;

/** The original service's composite `/health`: one word or reason per dependency. */
export const legacyHealth = z.object({
  status: z.string(),
  database: z.string(),
  redis: z.string(),
  qdrant: z.string(),
  embeddings: z.string(),
  pgvector: z.string(),
  circuit_breakers: z.record(z.string(), z.string()),
});
