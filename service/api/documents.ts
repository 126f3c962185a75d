import { z } from 'zod';
import { collectionName, cursor, documentId, metadata, text, timestamp } from './common.ts';

export const documentLimits = { batch: 100, contentLength: 100_000 } as const;

export const documentInput = z
  .object({
    id: documentId.optional(),
    title: text(512).optional(),
    content: text(documentLimits.contentLength, 1),
    metadata: metadata.optional(),
    source: text(2048).optional(),
  })
  .strict();

export const ingestBody = z
  .object({
    documents: z
      .array(documentInput)
      .min(1)
      .max(documentLimits.batch)
      .describe('Ids must be unique within one batch; a repeat is refused with `duplicate_id`'),
  })
  .strict();

export const ingestResponse = z.object({ ids: z.array(z.string()) });

export const documentParams = z.object({ name: collectionName, id: documentId }).strict();

export const listDocumentsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: cursor.optional(),
  })
  .strict();

const documentFields = {
  id: z.string(),
  title: z.string().nullable(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  source: z.string().nullable(),
  chunk_count: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
};

export const documentSummary = z.object(documentFields);
export const document = z.object({
  ...documentFields,
  collection: z.string(),
  content: z.string(),
});
export const documentList = z.object({
  documents: z.array(documentSummary),
  next_cursor: z.string().nullable(),
});

export type DocumentInput = z.infer<typeof documentInput>;
export type Document = z.infer<typeof document>;
export type DocumentSummary = z.infer<typeof documentSummary>;
