import { hostname } from 'node:os';
import { join } from 'node:path';
import { metricsOf } from '../catalog/metrics.ts';
import type { Config } from '../config/schema.ts';
import { hashKey, parseApiKeys, type ApiKey } from '../lib/api-keys.ts';
import { agentKeyFile, ensureLocalKey, localKeyPath } from '../lib/local-key.ts';
import type { Logger } from '../lib/logger.ts';
import { resourceAttributes } from '../lib/telemetry/resource.ts';
import { registerRuntimeMetrics } from '../lib/telemetry/runtime.ts';
import { createSeriesMeter, type SeriesMeter } from '../lib/telemetry/series-meter.ts';
import { version } from '../lib/version.ts';
import { createPostgresJobClaims, type JobClaims } from './job-claims.ts';
import { createJobStateStore } from './job-state.ts';
import { renderCollection } from './exposition.ts';
import { configuredJobs } from './jobs/index.ts';
import type { Job } from './jobs/job.ts';
import { createProbeMetrics } from './probe-metrics.ts';
import { createTargetRunner } from './runner.ts';
import { createScheduler } from './scheduler.ts';
import { createAgentServer } from './server.ts';
import type { AgentStatus } from './status.ts';
import { resolveTargets, type ReadFile } from './targets.ts';

export interface AgentDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** Reads the secret and CA files probe targets name. */
  readonly readFile: ReadFile;
  /** Jobs to schedule; the configured ones when absent. */
  readonly jobs?: readonly Job[];
  /** Environment for the OTel resource (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Agent {
  /** Serves its endpoint, starts probing and scheduling; returns the endpoint's base URL. */
  start(): Promise<string>;
  /** Graceful and idempotent: unready, probes cut, jobs cancelled and cleaned up, port closed. */
  stop(): Promise<void>;
  status(): AgentStatus;
}

/** The job state file under the data directory. */
export function jobStatePath(config: Config): string {
  return join(config.dataDir, 'agent', 'job-state.json');
}

/**
 * On the external profile several agents (one beside each replica) share one database: they
 * claim each run of a shared job there, so it runs once per schedule, not once per agent.
 */
function jobClaims(config: Config): JobClaims | undefined {
  if (config.profile !== 'external' || config.database.url === undefined) return undefined;
  return createPostgresJobClaims({
    url: config.database.url,
    password: config.database.password,
    agent: `${hostname()}:${String(process.pid)}`,
  });
}

/** The configured keys of the endpoint, or its local admin key made on first start when none are. */
async function endpointKeys(config: Config, logger: Logger): Promise<ApiKey[]> {
  if (config.agent.apiKeys !== undefined) return parseApiKeys(config.agent.apiKeys).keys;
  const { key, created } = await ensureLocalKey(config.dataDir, agentKeyFile);
  if (created)
    logger.warn(
      { path: localKeyPath(config.dataDir, agentKeyFile) },
      'agent: no agent.apiKeys configured: created a local admin key for its endpoint',
    );
  return [{ name: 'local', scope: 'admin', hash: hashKey(key) }];
}

/**
 * The agent's metrics in the text format, written by the agent itself: the OpenTelemetry metrics
 * SDK and its exporter added ~24 MB to the agent's resident memory for a few dozen series.
 */
async function renderAgentMetrics(
  meter: SeriesMeter,
  resource: Readonly<Record<string, string>>,
): Promise<string> {
  const collection = await meter.collect();
  if (collection.errors.length > 0)
    throw new AggregateError(collection.errors, 'telemetry: metric collection failed');
  return renderCollection(collection, resource);
}

export function createAgent(deps: AgentDeps): Agent {
  const { config, logger } = deps;
  const targets = resolveTargets(config, deps.readFile);
  const meter = createSeriesMeter(metricsOf('agent'));
  const resource = resourceAttributes('aidb-agent', version, deps.env ?? process.env);
  const runtime = registerRuntimeMetrics(meter, { version });
  const probeMetrics = createProbeMetrics();
  const runners = targets.map((target) =>
    createTargetRunner({ cell: probeMetrics.add(target), logger }),
  );
  const configured =
    deps.jobs === undefined
      ? configuredJobs(config, logger, meter)
      : { jobs: deps.jobs, certificates: () => [] };
  const claims = jobClaims(config);
  const scheduler = createScheduler({
    jobs: configured.jobs,
    meter,
    store: createJobStateStore(jobStatePath(config)),
    logger,
    ...(claims === undefined ? {} : { claims }),
  });
  let ready = false;
  let keys: readonly ApiKey[] = [];
  let stopping: Promise<void> | undefined;
  const status = (): AgentStatus => ({
    targets: runners.map((runner) => runner.status()),
    jobs: scheduler.status(),
    certificates: configured.certificates(),
  });
  const server = createAgentServer({
    host: config.agent.host,
    port: config.agent.port,
    renderMetrics: async () =>
      `${await renderAgentMetrics(meter, resource)}${probeMetrics.render()}`,
    status,
    isReady: () => ready,
    runJob: (name) => (scheduler.has(name) ? scheduler.runNow(name) : undefined),
    keys: () => keys,
    readsRequireKey: config.auth.readsRequireKey,
    logger,
  });

  async function shutdown(): Promise<void> {
    ready = false;
    await Promise.all(runners.map((runner) => runner.stop()));
    await scheduler.stop();
    await claims?.close();
    await server.close();
    runtime.stop();
    logger.info('agent: stopped');
  }

  return {
    async start() {
      keys = await endpointKeys(config, logger);
      let url: string;
      try {
        url = await server.listen();
      } catch (error) {
        // Nothing else has started; stopping releases the metrics so the process can end.
        stopping ??= shutdown();
        await stopping;
        throw error;
      }
      for (const runner of runners) runner.start();
      await scheduler.start();
      ready = true;
      logger.info({ url, targets: targets.length }, 'agent: started');
      return url;
    },
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
    status,
  };
}
