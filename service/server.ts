import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/logger.ts';
import { version } from '../lib/version.ts';
import { createApp } from './app.ts';
import { assembleDeps, closeDeps } from './assemble.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { routeTable } from './routes/index.ts';

export interface RunningService {
  readonly app: FastifyInstance;
  readonly deps: KnowledgeDeps;
  /** Base URL the service listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service: dependencies, schema, then the HTTP listener. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const deps = await assembleDeps(config, logger);
  const app = createApp({
    deps,
    routes: routeTable({ defaultCollection: config.service.defaultCollection, version }),
    logger,
    bodyLimitBytes: config.service.bodyLimitBytes,
    requestTimeoutMs: config.service.requestTimeoutMs,
  });
  try {
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (error) {
    await closeDeps(deps);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.service.port;
  const url = `http://${config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host}:${port}`;
  logger.info(
    { url, profile: config.profile, index: deps.index.kind, embedder: deps.embedder.model },
    'aidb service listening',
  );
  return {
    app,
    deps,
    url,
    async close() {
      await app.close();
      await closeDeps(deps);
    },
  };
}
