import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { binaries, binaryPath } from '../../test/support/binaries.ts';
import { createManagedProcess, type ManagedProcess } from '../../test/support/managed-process.ts';
import { freePort } from '../../test/support/ports.ts';

export const blackboxModule = 'http_2xx';

/** Debian's prometheus-blackbox-exporter on loopback, with one HTTP module like the agent's probe. */
export async function startBlackbox(
  timeoutSeconds: number,
): Promise<ManagedProcess & { address: string; close(): Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'aidb-bench-blackbox-'));
  const configFile = join(dir, 'blackbox.yml');
  await writeFile(
    configFile,
    dump({
      modules: {
        [blackboxModule]: {
          prober: 'http',
          timeout: `${String(timeoutSeconds)}s`,
          http: { preferred_ip_protocol: 'ip4' },
        },
      },
    }),
  );
  const address = `127.0.0.1:${String(port)}`;
  const proc = createManagedProcess({
    name: `blackbox_exporter :${String(port)}`,
    command: binaryPath(binaries.blackboxExporter),
    args: [`--config.file=${configFile}`, `--web.listen-address=${address}`, '--log.level=warn'],
    isReady: async () => (await fetch(`http://${address}/-/healthy`)).ok,
  });
  await proc.start();
  return Object.assign(Object.create(proc) as ManagedProcess, {
    address,
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/**
 * The scrape jobs of the comparison: Prometheus drives blackbox_exporter's /probe once per
 * target per interval (the usual relabelling), and scrapes the agent's /metrics at 15 s.
 */
export function comparisonScrapeConfig(options: {
  readonly urls: readonly string[];
  readonly intervalSeconds: number;
  readonly blackbox: string;
  readonly agent: string;
  readonly agentKey: string;
}): Record<string, unknown> {
  const interval = `${String(options.intervalSeconds)}s`;
  return {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    scrape_configs: [
      {
        job_name: 'blackbox',
        scrape_interval: interval,
        scrape_timeout: interval,
        metrics_path: '/probe',
        params: { module: [blackboxModule] },
        static_configs: [{ targets: options.urls }],
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: options.blackbox },
        ],
      },
      {
        job_name: 'aidb-agent',
        scrape_interval: '15s',
        authorization: { credentials: options.agentKey },
        static_configs: [{ targets: [options.agent] }],
      },
    ],
  };
}
