import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import { ensureDataDir } from '../lib/data-dir.ts';
import type { Logger } from '../lib/logger.ts';
import { describeStartupFailure, StartupFailure } from '../lib/startup-failure.ts';
import type { PrometheusMetrics } from '../lib/telemetry/prometheus.ts';
import { version } from '../lib/version.ts';
import { ensureLocalKey, localKeyPath } from '../lib/local-key.ts';
import { createApp } from './app.ts';
import { hashKey, parseApiKeys, type ApiKey } from '../lib/api-keys.ts';
import { createRateLimiter } from './limits/limiter.ts';
import { policyBudgets } from './limits/policy.ts';
import { assembleBase, closeBase, closeStore, connectStore, type StoreDeps } from './assemble.ts';
import { createBoot, type Boot } from './boot/boot.ts';
import { gatedDeps } from './boot/gated-deps.ts';
import { dependencyChecks } from './health/checks.ts';
import { watchEventLoop } from './health/event-loop.ts';
import { createHealth, type Health } from './health/health.ts';
import { sanitizeError } from './health/sanitize.ts';
import { ProblemError } from './http/problems.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { routeTable } from './routes/index.ts';
import type { RouteDef } from './http/route.ts';
import { createNoopTelemetry } from './telemetry/noop-telemetry.ts';
import { createServiceTelemetry, type ServiceTelemetry } from './telemetry/service-telemetry.ts';
import type { TlsTelemetry } from './telemetry/tls-telemetry.ts';
import { loadTlsMaterial } from './tls/certificate-files.ts';
import { createHttpsServer, type HttpsServer } from './tls/https-server.ts';
import { watchTlsFiles, type TlsReloader } from './tls/reloader.ts';

export interface RunningService {
  readonly app: FastifyInstance;
  /** Routes see these; the database and index throw the 503 `starting` problem until ready. */
  readonly deps: KnowledgeDeps;
  readonly health: Health;
  /** Every route served, as the route table defines them. */
  readonly routes: readonly RouteDef[];
  /** The exposition `/metrics` serves; undefined with telemetry off. */
  readonly metrics: PrometheusMetrics | undefined;
  /** Base URL the service listens on. */
  readonly url: string;
  /** Resolves once PostgreSQL answered, migrations ran and the vector index is prepared. */
  ready(): Promise<void>;
  /** Closes dependencies and telemetry; call after the HTTP server stopped. */
  release(): Promise<void>;
  /** Stops at once (tests); `aidb serve` runs the graceful sequence of shutdown.ts instead. */
  close(): Promise<void>;
}

/** The configured keys, or the local admin key made on first start when none are. */
async function apiKeys(config: Config, logger: Logger): Promise<ApiKey[]> {
  if (config.auth.apiKeys !== undefined) return parseApiKeys(config.auth.apiKeys).keys;
  const { key, created } = await ensureLocalKey(config.dataDir);
  if (created)
    logger.warn(
      { path: localKeyPath(config.dataDir) },
      'no API keys configured: created a local admin key',
    );
  return [{ name: 'local', scope: 'admin', hash: hashKey(key) }];
}

/** The data directory holds the embedded database and the local key; else nothing needs it. */
function usesDataDir(config: Config): boolean {
  return config.profile === 'embedded' || config.auth.apiKeys === undefined;
}

/**
 * Starts the service: checks what the user configured (data directory, then the port), listens,
 * and only then reaches for PostgreSQL, in the background and for as long as it takes, so the
 * probes tell Kubernetes what is happening instead of the process crash-looping. A busy port or
 * an unusable data directory throws a StartupFailure that names the setting.
 */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  if (usesDataDir(config)) await ensureDataDir(config.dataDir);
  const keys = await apiKeys(config, logger);
  const telemetry = config.service.telemetry
    ? createServiceTelemetry({ version })
    : createNoopTelemetry();
  let https: HttpsServer | undefined;
  try {
    https = await httpsServer(config, telemetry);
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  const base = assembleBase(config, logger, telemetry);
  const boot: Boot<StoreDeps> = createBoot({
    attempt: () => connectStore(config, logger, base, telemetry.metrics?.meter),
    backoff: {
      initialMs: config.resilience.startupRetryInitialMs,
      maxMs: config.resilience.startupRetryMaxMs,
    },
    sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
    random: Math.random,
    now: Date.now,
    describe: sanitizeError,
    discard: closeStore,
    onFailure: (state) => {
      logger.warn(
        {
          attempt: state.attempts,
          reason: state.lastError,
          retryInMs: (state.nextAttemptAt ?? Date.now()) - Date.now(),
        },
        'start-up could not reach its store yet; retrying',
      );
    },
  });
  const notReady = (): string => boot.state().lastError ?? 'connecting to PostgreSQL';
  const deps = gatedDeps(base, () => {
    const store = boot.value();
    if (store !== undefined) return store;
    throw new ProblemError('starting', `the service is starting: ${notReady()}`, {
      retryAfterSeconds: config.resilience.retryAfterSeconds,
    });
  });
  const eventLoop = watchEventLoop();
  const health = createHealth({
    checks: () => (boot.value() === undefined ? [] : dependencyChecks(deps)),
    starting: () => (boot.value() === undefined ? notReady() : undefined),
    checkTimeoutMs: config.health.checkTimeoutMs,
    readyCacheMs: config.health.readyCacheMs,
    eventLoopStallMs: config.health.eventLoopStallMs,
    eventLoop,
    telemetry: telemetry.health,
    breakers: base.breakers,
    indexKind: () => boot.value()?.index.kind ?? 'none',
    version,
  });
  let reloader: TlsReloader | undefined;
  const releaseAll = async (): Promise<void> => {
    reloader?.stop();
    eventLoop.stop();
    await boot.stop();
    const store = boot.value();
    if (store !== undefined) await closeStore(store);
    await closeBase(base);
    await telemetry.shutdown();
  };
  const routes = routeTable({
    defaultCollection: config.service.defaultCollection,
    version,
    metrics: telemetry.metrics,
    health,
    retryAfterSeconds: config.resilience.retryAfterSeconds,
  });
  const app = createApp({
    deps,
    telemetry,
    routes,
    logger,
    bodyLimitBytes: config.service.bodyLimitBytes,
    requestTimeoutMs: config.service.requestTimeoutMs,
    retryAfterSeconds: config.resilience.retryAfterSeconds,
    protection: {
      keys,
      limiter: config.rateLimit.enabled
        ? createRateLimiter({
            budgets: policyBudgets(config.rateLimit),
            redis: base.redis,
            whenRedisDown: config.rateLimit.whenRedisDown,
            onDecision: (decision) => {
              telemetry.protection.rateLimitDecided(decision);
            },
          })
        : undefined,
    },
    readsRequireKey: config.auth.readsRequireKey,
    trustedProxies: config.service.trustedProxies,
    corsOrigins: config.service.corsOrigins,
    ...(https === undefined ? {} : { serverFactory: https.factory }),
  });
  const { host, port } = config.service;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await releaseAll();
    throw (
      describeStartupFailure(error, {
        kind: 'listen',
        host,
        port,
        hostEnv: 'AIDB_HOST',
        portEnv: 'AIDB_PORT',
      }) ?? error
    );
  }
  boot.start();
  const address = app.server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `${https === undefined ? 'http' : 'https'}://${shownHost}:${listening}`;
  if (https !== undefined) reloader = watchTls(config, https, telemetry.tls, logger);
  logger.info(
    { url, profile: config.profile, embedder: base.embedder.model },
    'aidb service listening',
  );
  const started = boot.ready().then((store) => {
    logger.info({ index: store.index.kind }, 'aidb service ready');
    // A stall while starting is not one of a running service: liveness judges from here on.
    eventLoop.takeWorstMs();
    // First contact with every dependency right away, so /health/startup turns 200 without waiting.
    void health.startup();
  });
  started.catch(() => undefined);
  return {
    app,
    deps,
    health,
    routes,
    metrics: telemetry.metrics,
    url,
    ready: () => started,
    release: releaseAll,
    async close() {
      await app.close();
      await releaseAll();
    },
  };
}

/** The HTTPS server when `tls.certFile` is set; a bad pair at start is fatal (nothing served yet). */
async function httpsServer(
  config: Config,
  telemetry: Pick<ServiceTelemetry, 'tls'>,
): Promise<HttpsServer | undefined> {
  const { certFile, keyFile, caFile } = config.tls;
  if (certFile === undefined || keyFile === undefined) return undefined;
  const material = await loadTlsMaterial({ certFile, keyFile, caFile }).catch((error: unknown) => {
    throw new StartupFailure(
      'tlsUnusable',
      `${(error as Error).message}; fix the files or set AIDB_TLS_CERT_FILE and AIDB_TLS_KEY_FILE`,
      { cause: error },
    );
  });
  telemetry.tls.serving(material.notAfter);
  return createHttpsServer(material, config.service.requestTimeoutMs);
}

function watchTls(
  config: Config,
  https: HttpsServer,
  telemetry: TlsTelemetry,
  logger: Logger,
): TlsReloader | undefined {
  const { certFile, keyFile, caFile, watchIntervalMs } = config.tls;
  if (certFile === undefined || keyFile === undefined) return undefined;
  return watchTlsFiles({
    paths: { certFile, keyFile, caFile },
    intervalMs: watchIntervalMs,
    apply: (material) => {
      https.swap(material);
    },
    onReload: (result) => {
      telemetry.reloaded(result.ok);
      if (result.ok) telemetry.serving(result.notAfter);
    },
    logger,
  });
}
