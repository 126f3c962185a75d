import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { binaries, binaryPath } from './binaries.ts';
import { createManagedProcess, extendProcess, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';

export interface AlertmanagerOptions {
  /** alertmanager.yml content. */
  readonly config: Record<string, unknown>;
}

export interface AlertmanagerServer extends ManagedProcess {
  readonly port: number;
  readonly url: string;
  /** Alerts Alertmanager currently holds (API v2). */
  alerts(): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A private Alertmanager on loopback with clustering off and its own storage directory. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<AlertmanagerServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'aidb-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, dump(options.config));
  const proc = createManagedProcess({
    name: `alertmanager :${port}`,
    command: binaryPath(binaries.alertmanager),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty cluster address turns gossip off; otherwise every instance joins port 9094.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    isReady: async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok,
  });
  await proc.start();
  return extendProcess(proc, {
    port,
    url,
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      if (!response.ok) throw new Error(`alertmanager alerts: ${response.status}`);
      return (await response.json()) as unknown[];
    },
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
