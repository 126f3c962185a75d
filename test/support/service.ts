import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { startService, type RunningService } from '../../service/server.ts';

export interface TestServiceOptions {
  /** Environment on top of a quiet, loopback, random-port base; goes through the real loader. */
  readonly env?: Record<string, string>;
  /** Data directory to reuse (restart tests); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  /** `local`: configure no keys, so the service makes its own as on a fresh install. */
  readonly keys?: 'test' | 'local';
}

/** Keys every test service accepts, one per scope; `request` sends the admin key. */
export const testKeys = {
  admin: 'aidb_test-admin-key-0123456789',
  write: 'aidb_test-write-key-0123456789',
  read: 'aidb_test-read-key-01234567890',
} as const;

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

const testEnv = {
  AIDB_PORT: '0',
  AIDB_LOG_LEVEL: 'silent',
  AIDB_API_KEYS: Object.entries(testKeys)
    .map(([scope, key]) => `test-${scope}:${scope}:plain:${key}`)
    .join(','),
  // Budgets high enough for test traffic; the limiter itself still runs on every request.
  AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_WRITE_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_READ_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
};

export interface TestService extends RunningService {
  readonly config: Config;
  readonly dataDir: string;
  /** fetch against the service, JSON in and out, with the admin key unless headers say otherwise. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** Stops the service; removes the data directory unless it was given. */
  stop(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

/** Runs the real service in this process, configured through the real config loader. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'aidb-service-')));
  const { config } = loadConfig({
    env: {
      ...testEnv,
      ...(options.keys === 'local' ? { AIDB_API_KEYS: undefined } : {}),
      AIDB_DATA_DIR: dataDir,
      ...options.env,
    },
    readFile: () => {
      throw new Error('test service: no config file');
    },
  });
  const service = await startService(
    { ...config, service: { ...config.service, port: 0 } },
    createLogger({ level: config.logLevel, name: 'service' }),
  );
  // Start-up reaches the store in the background; tests begin once it has.
  await service.ready();
  return Object.assign(Object.create(service) as RunningService, service, {
    config,
    dataDir,
    async request(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      // The admin key unless the caller sends its own; an empty `authorization` sends none.
      const all: Record<string, string> = { ...bearer(testKeys.admin), ...headers };
      if (all.authorization === '') delete all.authorization;
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: body === undefined ? all : { 'content-type': 'application/json', ...all },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async stop() {
      await service.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  });
}
