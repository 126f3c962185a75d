import { Cron } from 'croner';
import { z } from 'zod';

/** A cron expression croner accepts (5 or 6 fields, nicknames such as `@daily`). */
export function cronExpression(fallback: string) {
  return z
    .string()
    .min(1)
    .superRefine((pattern, ctx) => {
      try {
        new Cron(pattern, { paused: true });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        ctx.addIssue({ code: 'custom', message: `is not a valid cron expression (${reason})` });
      }
    })
    .default(fallback);
}
