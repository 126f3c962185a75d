import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAidbClient, type AidbClient, type ClientOptions } from '../../client/index.ts';

/**
 * The typed client of a test service. With no key configured the service writes an admin key
 * to `<dataDir>/api-key` (auth contract); it is used when present.
 */
export function clientFor(
  service: { readonly url: string; readonly dataDir: string },
  options: Partial<ClientOptions> = {},
): AidbClient {
  const keyFile = join(service.dataDir, 'api-key');
  const apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
  return createAidbClient({ baseUrl: service.url, apiKey, ...options });
}
