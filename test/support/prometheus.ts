import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { binaries, binaryPath } from './binaries.ts';
import { createManagedProcess, extendProcess, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';

export interface PrometheusOptions {
  /** prometheus.yml content; `rule_files` paths are resolved by Prometheus as given. */
  readonly config: Record<string, unknown>;
}

export interface PrometheusServer extends ManagedProcess {
  readonly port: number;
  readonly url: string;
  /** Replaces prometheus.yml and asks the running server to reload it. */
  reload(config: Record<string, unknown>): Promise<void>;
  /** Instant query through the HTTP API; returns the `data` member. */
  query(expr: string): Promise<unknown>;
  close(): Promise<void>;
}

async function ready(url: string): Promise<boolean> {
  const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
  return response.ok;
}

/** A private Prometheus on loopback with its own TSDB directory and lifecycle API. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'aidb-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, dump(options.config));
  const proc = createManagedProcess({
    name: `prometheus :${port}`,
    command: binaryPath(binaries.prometheus),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    isReady: () => ready(url),
  });
  await proc.start();
  return extendProcess(proc, {
    port,
    url,
    async reload(config: Record<string, unknown>) {
      await writeFile(configFile, dump(config));
      const response = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!response.ok)
        throw new Error(`prometheus reload: ${response.status} ${await response.text()}`);
    },
    async query(expr: string) {
      const response = await fetch(
        `${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`,
      );
      const body = (await response.json()) as { status: string; data?: unknown; error?: string };
      if (body.status !== 'success')
        throw new Error(`prometheus query ${expr}: ${body.error ?? response.status}`);
      return body.data;
    },
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
