import { z } from 'zod';
import { maxDimension } from '../../lib/vector-limits.ts';
import { vectorIndexes } from '../../catalog/labels.ts';
import { cursor, metadata, text } from './common.ts';

export const searchLimits = { limit: 100, queryLength: 8192, depth: 1000 } as const;

export const searchBody = z
  .object({
    query: text(searchLimits.queryLength, 1).optional(),
    vector: z
      .array(z.number())
      .min(2)
      .max(maxDimension)
      .optional()
      .describe("Exactly the collection's dimension; refused with `dimension_mismatch` otherwise"),
    limit: z.number().int().min(1).max(searchLimits.limit).default(10),
    min_score: z.number().min(-1).max(1).optional(),
    /** Metadata equality: every key must equal the given value. */
    filter: metadata.optional(),
    cursor: cursor.optional(),
  })
  .strict()
  .refine((body) => (body.query === undefined) !== (body.vector === undefined), {
    error: 'give exactly one of query or vector',
    path: ['query'],
  })
  .meta({ oneOf: [{ required: ['query'] }, { required: ['vector'] }] });

export const searchResult = z.object({
  document_id: z.string(),
  chunk_index: z.number().int(),
  title: z.string().nullable(),
  snippet: z.string(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Cosine similarity in [-1, 1]; results are ordered best first. */
  score: z.number(),
});

export const searchResponse = z.object({
  results: z.array(searchResult),
  next_cursor: z.string().nullable(),
  index: z.enum(vectorIndexes),
});

export const embedBody = z
  .object({ texts: z.array(text(searchLimits.queryLength, 1)).min(1).max(64) })
  .strict();

export const embedResponse = z.object({
  model: z.string(),
  dimension: z.number().int(),
  vectors: z.array(z.array(z.number())),
});

export type SearchBody = z.infer<typeof searchBody>;
export type SearchResult = z.infer<typeof searchResult>;
