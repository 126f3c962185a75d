import { startAidbProcess, type AidbProcess } from './aidb-process.ts';
import { testKeys } from './service.ts';

/** Settings every `aidb serve` child of the boot tests shares: quick retries, quiet logs. */
export const serveEnv = {
  AIDB_LOG_LEVEL: 'warn',
  AIDB_API_KEYS: Object.entries(testKeys)
    .map(([scope, key]) => `test-${scope}:${scope}:plain:${key}`)
    .join(','),
  // Start-up retries from 100 ms up to 1 s, so a dependency that arrives is noticed quickly.
  AIDB_STARTUP_RETRY_INITIAL_MS: '100',
  AIDB_STARTUP_RETRY_MAX_MS: '1000',
  AIDB_READY_CACHE_MS: '0',
  AIDB_DATABASE_CONNECT_TIMEOUT_MS: '1000',
} as const;

/** `aidb serve` as its own process, waited for only until it listens (`/health/live`). */
export function startServe(env: Record<string, string>): Promise<AidbProcess> {
  return startAidbProcess({
    command: 'serve',
    portEnv: 'AIDB_PORT',
    readyPath: '/health/live',
    env: { ...serveEnv, ...env },
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** One request with the admin key, JSON in and out. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${testKeys.admin}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
