import { z } from 'zod';
import { setting } from '../setting.ts';

export const auth = z
  .object({
    apiKeys: setting(z.string().min(1).optional(), {
      env: 'AIDB_API_KEYS',
      secret: true,
      doc: 'API keys with their scopes (format in the security guide).',
    }),
    readsRequireKey: setting(z.boolean().default(true), {
      env: 'AIDB_READS_REQUIRE_KEY',
      doc: 'Whether read routes need an API key.',
    }),
  })
  .strict();
