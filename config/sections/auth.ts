import { z } from 'zod';
import { setting } from '../setting.ts';
import { apiKeyList } from './primitives.ts';

export const auth = z
  .object({
    apiKeys: setting(apiKeyList.optional(), {
      env: 'AIDB_API_KEYS',
      secret: true,
      doc: 'API keys, separated by commas or newlines, each `name:scope:sha256:<hex>` (from `aidb keys create`) or `name:scope:plain:<key>`; scope is `read`, `write` or `admin`. Unset: the service creates an admin key in `<dataDir>/api-key`.',
    }),
    readsRequireKey: setting(z.boolean().default(true), {
      env: 'AIDB_READS_REQUIRE_KEY',
      doc: 'Whether read routes of the service, and the agent’s `/status`, need an API key; `/metrics` always does.',
    }),
  })
  .strict();
