import { z } from 'zod';

export const gcBody = z.object({ dry_run: z.boolean().default(true) }).strict();

export const gcResponse = z.object({
  dry_run: z.boolean(),
  expired_documents: z.number().int(),
  orphan_chunks: z.number().int(),
  orphan_points: z.number().int(),
});

export type GcResult = z.infer<typeof gcResponse>;
