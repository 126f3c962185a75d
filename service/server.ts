import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/logger.ts';
import { version } from '../lib/version.ts';
import { ensureLocalKey, localKeyPath } from '../lib/local-key.ts';
import { createApp } from './app.ts';
import { hashKey, parseApiKeys, type ApiKey } from '../lib/api-keys.ts';
import { createRateLimiter } from './limits/limiter.ts';
import { policyBudgets } from './limits/policy.ts';
import { assembleDeps, closeDeps } from './assemble.ts';
import { dependencyChecks } from './health/checks.ts';
import { watchEventLoop } from './health/event-loop.ts';
import { createHealth, type Health } from './health/health.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { routeTable } from './routes/index.ts';
import type { RouteDef } from './routes/route.ts';
import { createNoopTelemetry } from './telemetry/noop-telemetry.ts';
import { createServiceTelemetry, type ServiceTelemetry } from './telemetry/service-telemetry.ts';
import { loadTlsMaterial } from './tls/certificate-files.ts';
import { createHttpsServer, type HttpsServer } from './tls/https-server.ts';
import { watchTlsFiles, type TlsReloader } from './tls/reloader.ts';

export interface RunningService {
  readonly app: FastifyInstance;
  readonly deps: KnowledgeDeps;
  readonly health: Health;
  /** Every route served, as the route table defines them. */
  readonly routes: readonly RouteDef[];
  /** Base URL the service listens on. */
  readonly url: string;
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

/** Starts the service: telemetry, dependencies, schema, health, then the HTTP listener. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const keys = await apiKeys(config, logger);
  const telemetry = config.service.telemetry
    ? createServiceTelemetry({ version })
    : createNoopTelemetry();
  let deps: KnowledgeDeps;
  let https: HttpsServer | undefined;
  try {
    https = await httpsServer(config, telemetry);
    deps = await assembleDeps(config, logger, telemetry);
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  const eventLoop = watchEventLoop();
  const health = createHealth({
    checks: dependencyChecks(deps),
    checkTimeoutMs: config.health.checkTimeoutMs,
    readyCacheMs: config.health.readyCacheMs,
    eventLoopStallMs: config.health.eventLoopStallMs,
    eventLoop,
    telemetry,
    breakers: deps.breakers,
    indexKind: deps.index.kind,
    version,
  });
  let reloader: TlsReloader | undefined;
  const releaseAll = async (): Promise<void> => {
    reloader?.stop();
    eventLoop.stop();
    await closeDeps(deps);
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
            redis: deps.redis,
            whenRedisDown: config.rateLimit.whenRedisDown,
            onDecision: (decision) => {
              telemetry.rateLimitDecided(decision);
            },
          })
        : undefined,
    },
    readsRequireKey: config.auth.readsRequireKey,
    trustedProxies: config.service.trustedProxies,
    corsOrigins: config.service.corsOrigins,
    ...(https === undefined ? {} : { serverFactory: https.factory }),
  });
  try {
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (error) {
    await releaseAll();
    throw error;
  }
  // First contact with every dependency right away, so /health/startup turns 200 without waiting.
  void health.startup();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.service.port;
  const host = config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host;
  const url = `${https === undefined ? 'http' : 'https'}://${host}:${port}`;
  if (https !== undefined) reloader = watchTls(config, https, telemetry, logger);
  logger.info(
    { url, profile: config.profile, index: deps.index.kind, embedder: deps.embedder.model },
    'aidb service listening',
  );
  return {
    app,
    deps,
    health,
    routes,
    url,
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
  telemetry: ServiceTelemetry,
): Promise<HttpsServer | undefined> {
  const { certFile, keyFile, caFile } = config.tls;
  if (certFile === undefined || keyFile === undefined) return undefined;
  const material = await loadTlsMaterial({ certFile, keyFile, caFile });
  telemetry.tlsServing(material.notAfter);
  return createHttpsServer(material, config.service.requestTimeoutMs);
}

function watchTls(
  config: Config,
  https: HttpsServer,
  telemetry: ServiceTelemetry,
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
      telemetry.tlsReloaded(result.ok);
      if (result.ok) telemetry.tlsServing(result.notAfter);
    },
    logger,
  });
}
