import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { dump, load } from 'js-yaml';
import { receiverNames, type Receivers } from '../../alerts/alertmanager.ts';
import { alertFiles } from '../../alerts/output.ts';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { writeGeneratedFiles } from '../../lib/generated-files.ts';
import { startAidbProcess, type AidbProcess } from '../support/aidb-process.ts';
import { startAlertmanager, type AlertmanagerServer } from '../support/alertmanager.ts';
import { binaries, binaryPath } from '../support/binaries.ts';
import { startEmbeddingsStub } from '../support/embeddings-stub.ts';
import { freePort } from '../support/ports.ts';
import { externalBackends, type ProfileBackends } from '../support/profiles.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.ts';
import { startQdrantStub } from '../support/qdrant-stub.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook.ts';

/** Jobs as the generator is told they are scraped (the defaults of `generate.*Job`). */
export const jobs = { serviceJob: 'aidb', agentJob: 'aidb-agent' } as const;

/**
 * The live-test profile of the generator: every `for` and Alertmanager wait divided by 60
 * (minutes become seconds), and a backup schedule of every 5 s with 1 s grace, so a backup that
 * is not repeated is stale 6 s later.
 */
export const generatorEnv = {
  AIDB_SERVICE_JOB: jobs.serviceJob,
  AIDB_AGENT_JOB: jobs.agentJob,
  AIDB_GENERATE_TIME_DIVISOR: '60',
  AIDB_BACKUP_SCHEDULE: '*/5 * * * * *',
  AIDB_BACKUP_STALE_GRACE_SECONDS: '1',
} as const;

export interface LiveStack {
  readonly backends: ProfileBackends;
  readonly service: AidbProcess;
  readonly agent: AidbProcess;
  readonly prometheus: PrometheusServer;
  readonly alertmanager: AlertmanagerServer;
  readonly webhook: WebhookReceiver;
  /** The configuration the rules and dashboards were generated from. */
  readonly generateConfig: Config;
  /** The admin key every request carries, to the service and to the agent. */
  readonly adminKey: string;
  /** What an operator on the agent's host has: its config, key, ports and backup identity. */
  readonly operatorEnv: Readonly<Record<string, string>>;
  /** Output of every process, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

function generatorConfig(): Config {
  return loadConfig({
    env: generatorEnv,
    readFile: () => {
      throw new Error('live stack: the generator reads no config file');
    },
  }).config;
}

/** Every receiver of the generated Alertmanager config posts to its own path of the webhook. */
function webhookReceivers(webhook: WebhookReceiver): Receivers {
  return Object.fromEntries(
    receiverNames.map((name) => [
      name,
      { webhook_configs: [{ url: `${webhook.url}/${name}`, send_resolved: true }] },
    ]),
  );
}

function prometheusConfig(dir: string, targets: Record<string, string>, keyFile: string) {
  const job = (name: string, target: string, extra: Record<string, unknown> = {}) => ({
    job_name: name,
    static_configs: [{ targets: [target] }],
    ...extra,
  });
  return {
    // One-second scrapes and evaluations: `for` durations are divided to seconds as well.
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: [join(dir, 'rules', '*.yml')],
    alerting: {
      alertmanagers: [{ static_configs: [{ targets: [targets.alertmanager] }] }],
    },
    scrape_configs: [
      job(jobs.serviceJob, targets.service ?? '', {
        authorization: { type: 'Bearer', credentials_file: keyFile },
      }),
      job(jobs.agentJob, targets.agent ?? '', {
        authorization: { type: 'Bearer', credentials_file: keyFile },
      }),
      job('prometheus', targets.prometheus ?? ''),
      job('alertmanager', targets.alertmanager ?? ''),
    ],
  };
}

/**
 * One loopback stack: private PostgreSQL and Redis, the contract stubs of Qdrant and of an
 * embeddings server (neither can run here), the service (external profile) and the agent as
 * processes, Alertmanager with the generated configuration posting to a webhook receiver,
 * and Prometheus with the generated rules scraping all of them.
 */
export async function startLiveStack(options: {
  /** Agent config file content on top of the stack's own (targets, jobs, backup schedules). */
  readonly agent: (ports: { closedPort: number }) => Record<string, unknown>;
  readonly serviceEnv?: Readonly<Record<string, string>>;
}): Promise<LiveStack> {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-live-'));
  const closers: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const adminKey = randomBytes(24).toString('base64url');
    const keyFile = join(dir, 'api-key');
    await writeFile(keyFile, adminKey, { mode: 0o600 });
    const keyEntry = `e2e:admin:sha256:${createHash('sha256').update(adminKey).digest('hex')}`;

    const webhook = await startWebhookReceiver();
    closers.push(() => webhook.close());
    const generateConfig = generatorConfig();
    await writeGeneratedFiles(dir, alertFiles(generateConfig, webhookReceivers(webhook)));

    const backends = await externalBackends();
    closers.push(() => backends.close());
    const qdrant = await startQdrantStub();
    closers.push(() => qdrant.close());
    const embeddings = await startEmbeddingsStub(384);
    closers.push(() => embeddings.close());
    const backendEnv = {
      ...(await backends.env()),
      QDRANT_URL: qdrant.url,
      EMBEDDINGS_URL: embeddings.url,
    };

    const service = await startAidbProcess({
      command: 'serve',
      portEnv: 'AIDB_PORT',
      // Live from the first moment; started once migrations ran and dependencies answered.
      readyPath: '/health/startup',
      env: {
        ...backendEnv,
        AIDB_DATA_DIR: join(dir, 'service'),
        AIDB_LOG_LEVEL: 'warn',
        AIDB_API_KEYS: keyEntry,
        ...options.serviceEnv,
      },
    });
    closers.push(() => service.stop());

    const closedPort = await freePort();
    const agentFile = join(dir, 'agent.yaml');
    const extra = options.agent({ closedPort });
    const section = (name: string) => (extra[name] ?? {}) as Record<string, unknown>;
    await writeFile(
      agentFile,
      dump({
        logLevel: 'warn',
        dataDir: join(dir, 'agent'),
        ...extra,
        agent: { serviceUrl: service.url, ...section('agent') },
        backups: {
          repository: join(dir, 'backups'),
          postgresBinDir: dirname(binaryPath(binaries.pgCtl)),
          ...section('backups'),
        },
      }),
    );
    const identity = await generateX25519Identity();
    const agent = await startAidbProcess({
      command: 'agent',
      portEnv: 'AIDB_AGENT_PORT',
      readyPath: '/health/ready',
      env: {
        ...backendEnv,
        AIDB_CONFIG: agentFile,
        AIDB_AGENT_ADMIN_KEY: adminKey,
        AIDB_AGENT_API_KEYS: keyEntry,
        AIDB_BACKUP_IDENTITY: identity,
      },
    });
    closers.push(() => agent.stop());

    const alertmanager = await startAlertmanager({
      config: load(await readFile(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')) as Record<
        string,
        unknown
      >,
    });
    closers.push(() => alertmanager.close());

    const targets = {
      service: `127.0.0.1:${service.port}`,
      agent: `127.0.0.1:${agent.port}`,
      alertmanager: `127.0.0.1:${alertmanager.port}`,
    };
    const prometheus = await startPrometheus({ config: prometheusConfig(dir, targets, keyFile) });
    closers.push(() => prometheus.close());
    // Its own port is known only now: reload with the self-scrape the meta rules read.
    await prometheus.reload(
      prometheusConfig(dir, { ...targets, prometheus: `127.0.0.1:${prometheus.port}` }, keyFile),
    );

    return {
      backends,
      service,
      agent,
      prometheus,
      alertmanager,
      webhook,
      generateConfig,
      adminKey,
      operatorEnv: {
        ...backendEnv,
        AIDB_CONFIG: agentFile,
        AIDB_AGENT_KEY: adminKey,
        AIDB_AGENT_PORT: String(agent.port),
        AIDB_PORT: String(service.port),
        AIDB_BACKUP_IDENTITY: identity,
      },
      output: () =>
        [service, agent, prometheus, alertmanager]
          .map((p) => p.output())
          .filter((o) => o !== '')
          .join('\n'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
