import { z } from 'zod';
import { vectorIndexes } from '../../catalog/labels.ts';
import { maxDimension } from '../../lib/vector-limits.ts';
import { collectionName, text, timestamp } from './common.ts';

export const collectionParams = z.object({ name: collectionName }).strict();

/** The TTL column is a PostgreSQL `integer`: 2^31 − 1 s, about 68 years. */
export const maxTtlSeconds = 2 ** 31 - 1;

export const putCollectionBody = z
  .object({
    description: text(1000).optional(),
    /** Fixed at creation; defaults to the embedder's dimension. */
    dimension: z.number().int().min(2).max(maxDimension).optional(),
    /** Documents not updated for this long are deleted by garbage collection; null keeps them. */
    ttl_seconds: z.number().int().min(60).max(maxTtlSeconds).nullable().optional(),
  })
  .strict();

export const collection = z.object({
  name: z.string(),
  description: z.string(),
  dimension: z.number().int(),
  ttl_seconds: z.number().int().nullable(),
  document_count: z.number().int(),
  index: z.enum(vectorIndexes),
  /** Chunks stored and searchable but not yet in the index's fast structure. */
  vectors_pending: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const collectionList = z.object({ collections: z.array(collection) });

export type PutCollectionBody = z.infer<typeof putCollectionBody>;
export type Collection = z.infer<typeof collection>;
