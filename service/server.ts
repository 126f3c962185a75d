import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/logger.ts';
import { version } from '../lib/version.ts';
import { createApp } from './app.ts';
import { assembleDeps, closeDeps } from './assemble.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { routeTable } from './routes/index.ts';
import type { RouteDef } from './routes/route.ts';
import { createNoopTelemetry } from './telemetry/noop-telemetry.ts';
import { createServiceTelemetry } from './telemetry/service-telemetry.ts';

export interface RunningService {
  readonly app: FastifyInstance;
  readonly deps: KnowledgeDeps;
  /** Every route served, as the route table defines them. */
  readonly routes: readonly RouteDef[];
  /** Base URL the service listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service: telemetry, dependencies, schema, then the HTTP listener. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const telemetry = config.service.telemetry
    ? createServiceTelemetry({ version })
    : createNoopTelemetry();
  let deps: KnowledgeDeps;
  try {
    deps = await assembleDeps(config, logger, telemetry);
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  const close = async (): Promise<void> => {
    await closeDeps(deps);
    await telemetry.shutdown();
  };
  const routes = routeTable({
    defaultCollection: config.service.defaultCollection,
    version,
    metrics: telemetry.metrics,
  });
  const app = createApp({
    deps,
    routes,
    logger,
    bodyLimitBytes: config.service.bodyLimitBytes,
    requestTimeoutMs: config.service.requestTimeoutMs,
    retryAfterSeconds: config.resilience.retryAfterSeconds,
  });
  try {
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (error) {
    await close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.service.port;
  const host = config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host;
  const url = `http://${host}:${port}`;
  logger.info(
    { url, profile: config.profile, index: deps.index.kind, embedder: deps.embedder.model },
    'aidb service listening',
  );
  return {
    app,
    deps,
    routes,
    url,
    async close() {
      await app.close();
      await close();
    },
  };
}
