import { z } from 'zod';
import { setting } from '../setting.ts';
import { httpUrl, millis } from './primitives.ts';

export const qdrant = z
  .object({
    url: setting(httpUrl.optional(), {
      env: 'QDRANT_URL',
      doc: 'Qdrant REST URL; when set, Qdrant is the vector index.',
    }),
    apiKey: setting(z.string().min(1).optional(), {
      env: 'QDRANT_API_KEY',
      secret: true,
      doc: 'Qdrant API key.',
    }),
    timeoutMs: setting(millis.default(5_000), {
      env: 'AIDB_QDRANT_TIMEOUT_MS',
      doc: 'Timeout of each Qdrant call.',
    }),
  })
  .strict();
