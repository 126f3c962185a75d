import { cliPath } from './cli.ts';
import { createManagedProcess, extendProcess, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';

export interface AidbProcess extends ManagedProcess {
  readonly port: number;
  readonly url: string;
}

async function answers(url: string): Promise<boolean> {
  return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
}

/**
 * `aidb <command>` as its own process on the test's Node (24), on a free loopback port, ready
 * once `readyPath` answers 2xx. Only PATH is inherited, so the test's own environment cannot leak
 * settings in.
 */
export async function startAidbProcess(options: {
  readonly command: 'serve' | 'agent';
  /** Environment variable that sets the port (`AIDB_PORT`, `AIDB_AGENT_PORT`). */
  readonly portEnv: string;
  readonly env: Readonly<Record<string, string>>;
  readonly readyPath: string;
}): Promise<AidbProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = createManagedProcess({
    name: `aidb ${options.command} :${port}`,
    command: process.execPath,
    args: [cliPath, options.command],
    env: { PATH: process.env.PATH ?? '', ...options.env, [options.portEnv]: String(port) },
    isReady: () => answers(`${url}${options.readyPath}`),
    readyTimeoutMs: 60_000,
  });
  await proc.start();
  return extendProcess(proc, { port, url });
}
