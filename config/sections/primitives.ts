import { z } from 'zod';
import { parseApiKeys } from '../../lib/api-keys.ts';

/** Shapes several sections share. */
// 0 asks the kernel for a free port (tests, side-by-side instances).
export const port = z.number().int().min(0).max(65535);
export const millis = z.number().int().min(1);
export const httpUrl = z.url({ protocol: /^https?$/ });

/** An API key list in the format of `AIDB_API_KEYS`, checked entry by entry. */
export const apiKeyList = z
  .string()
  .min(1)
  .superRefine((text, context) => {
    for (const message of parseApiKeys(text).problems)
      context.addIssue({ code: 'custom', message });
  });
