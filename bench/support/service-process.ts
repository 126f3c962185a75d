import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/aidb.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The admin key of benchmarked services; sent as `Authorization: Bearer`. */
export const benchKey = 'aidb_bench-admin-key-0123456789';
export const benchAuth = { authorization: `Bearer ${benchKey}` } as const;

/** One API call with the bench key, JSON in and out; a non-2xx answer throws with its body. */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? benchAuth : { ...benchAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

// Benchmarks measure the service, not its limits: every budget far above what a run sends.
const unlimited = Object.fromEntries(
  ['SEARCH', 'WRITE', 'READ', 'ADMIN', 'UNAUTHENTICATED'].map((policy) => [
    `AIDB_RATE_LIMIT_${policy}_PER_MINUTE`,
    '1000000',
  ]),
);

/** Runs `aidb serve` as its own process, so the load generator does not share its event loop. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: {
      ...process.env,
      AIDB_LOG_LEVEL: 'warn',
      AIDB_API_KEYS: `bench:admin:plain:${benchKey}`,
      ...unlimited,
      ...env,
      AIDB_PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      if (attempt > 600) throw new Error('service did not start');
    }
    await sleep(100);
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
