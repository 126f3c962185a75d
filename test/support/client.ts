import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testKeys } from './service.ts';
import { createAidbClient, type AidbClient, type ClientOptions } from '../../client/index.ts';

/**
 * The typed client of a test service, with the admin key: the service's local key in
 * `<dataDir>/api-key` when it made one, else the admin key every test service accepts.
 */
export function clientFor(
  service: { readonly url: string; readonly dataDir: string },
  options: Partial<ClientOptions> = {},
): AidbClient {
  const keyFile = join(service.dataDir, 'api-key');
  const apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : testKeys.admin;
  return createAidbClient({ baseUrl: service.url, apiKey, ...options });
}
