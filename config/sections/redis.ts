import { z } from 'zod';
import { setting } from '../setting.ts';

export const redis = z
  .object({
    url: setting(z.string().min(1).optional(), {
      env: 'REDIS_URL',
      secret: true,
      doc: 'Redis URL for the shared cache and rate limits (external profile; optional).',
    }),
    password: setting(z.string().min(1).optional(), {
      env: 'REDIS_PASSWORD',
      secret: true,
      doc: 'Redis password; overrides one in `REDIS_URL`.',
    }),
  })
  .strict();
