import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiverNames } from '../../alerts/alertmanager.ts';
import { watchdogName } from '../../alerts/families/meta.ts';
import { alertFiles } from '../../alerts/output.ts';
import { loadConfig } from '../../config/load.ts';
import { writeGeneratedFiles } from '../../lib/generated-files.ts';
import { agentKeyFile, localKeyPath } from '../../lib/local-key.ts';
import { startAlertmanager, type AlertmanagerServer } from '../support/alertmanager.ts';
import { cliPath } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.ts';
import { waitFor } from '../support/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook.ts';

/**
 * How long the idle stack is watched. With the time divisor of 60 every `for` is a sixtieth
 * of itself: 150 s of one-second evaluations cover the `for` of every rule (the longest, 1 h,
 * becomes 60 s) more than twice.
 */
const watchSeconds = 150;
const jobs = { serviceJob: 'aidb', agentJob: 'aidb-agent' } as const;

interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/**
 * An idle `aidb up` (embedded profile, defaults, no traffic but the probes), scraped by the real
 * Prometheus evaluating the generated rules, with Alertmanager and a webhook behind it: nothing
 * may fire but the Watchdog.
 */
describe('an idle stack under the generated rules', () => {
  let dir: string;
  let up: ChildProcess;
  let output = '';
  let prometheus: PrometheusServer;
  let alertmanager: AlertmanagerServer;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-idle-'));
    const dataDir = join(dir, 'data');
    const port = await freePort();
    const agentPort = await freePort();
    up = spawn(process.execPath, [cliPath, 'up'], {
      env: {
        PATH: process.env.PATH ?? '',
        AIDB_DATA_DIR: dataDir,
        AIDB_PORT: String(port),
        AIDB_AGENT_PORT: String(agentPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [up.stdout, up.stderr]) {
      stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    }
    await waitFor('aidb up to be ready', () => output.includes('Ctrl-C stops both'), {
      timeoutMs: 120_000,
    });

    webhook = await startWebhookReceiver();
    const generateConfig = loadConfig({
      env: {
        AIDB_SERVICE_JOB: jobs.serviceJob,
        AIDB_AGENT_JOB: jobs.agentJob,
        AIDB_GENERATE_TIME_DIVISOR: '60',
      },
      readFile: () => '',
    }).config;
    const receivers = Object.fromEntries(
      receiverNames.map((name) => [
        name,
        { webhook_configs: [{ url: `${webhook.url}/${name}`, send_resolved: true }] },
      ]),
    );
    await writeGeneratedFiles(dir, alertFiles(generateConfig, receivers));
    alertmanager = await startAlertmanager({
      config: load(await readFile(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')) as Record<
        string,
        unknown
      >,
    });
    const scrape = (name: string, target: string, keyFile?: string) => ({
      job_name: name,
      static_configs: [{ targets: [target] }],
      ...(keyFile === undefined
        ? {}
        : { authorization: { type: 'Bearer', credentials_file: keyFile } }),
    });
    const prometheusConfig = (self: string) => ({
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules', '*.yml')],
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }],
      },
      scrape_configs: [
        scrape(jobs.serviceJob, `127.0.0.1:${port}`, localKeyPath(dataDir)),
        scrape(jobs.agentJob, `127.0.0.1:${agentPort}`, localKeyPath(dataDir, agentKeyFile)),
        scrape('alertmanager', `127.0.0.1:${alertmanager.port}`),
        ...(self === '' ? [] : [scrape('prometheus', self)]),
      ],
    });
    prometheus = await startPrometheus({ config: prometheusConfig('') });
    await prometheus.reload(prometheusConfig(`127.0.0.1:${prometheus.port}`));
  }, 240_000);

  afterAll(async () => {
    await prometheus.close();
    await alertmanager.close();
    await webhook.close();
    if (up.exitCode === null) {
      const exited = once(up, 'exit');
      up.kill('SIGINT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `fires nothing but the Watchdog, and nothing is even pending, over ${String(watchSeconds)} s of evaluation`,
    async () => {
      const query = async (expr: string) =>
        ((await prometheus.query(expr)) as { result: VectorSample[] }).result;
      await waitFor('every target to be scraped and the Watchdog to fire', async () => {
        const scraped = await query('up == 1');
        const watchdog = await query(`ALERTS{alertname="${watchdogName}",alertstate="firing"}`);
        return scraped.length === 4 && watchdog.length === 1;
      });
      const allScraped = Date.now();
      await sleep(watchSeconds * 1000);
      // From once every target is scraped: before that the absence alerts are rightly pending.
      const window = `${String(watchSeconds - 5)}s`;
      const ever = await query(
        `count by (alertname, alertstate) (count_over_time(ALERTS[${window}]))`,
      );
      const seen = ever.map((s) => `${s.metric.alertname ?? ''} ${s.metric.alertstate ?? ''}`);
      expect(seen.sort(), output).toEqual([`${watchdogName} firing`]);
      // Prometheus sends an alert with startsAt = when it began firing. An absence alert that
      // fired before the first scrape (Prometheus starts after aidb, and a divided `for` is
      // seconds) is not about aidb; one firing later was seen by the ALERTS check above.
      const notified = webhook.notifications.flatMap((n) => n.alerts);
      const firedSinceScraped = notified
        .filter((a) => Date.parse(a.startsAt) >= allScraped)
        .map((a) => a.labels.alertname);
      expect(firedSinceScraped.filter((name) => name !== watchdogName)).toEqual([]);
      expect(notified.map((a) => a.labels.alertname)).toContain(watchdogName);
      expect(up.exitCode).toBeNull();
    },
    watchSeconds * 1000 + 120_000,
  );
});
