/**
 * The service's route table over the embedded store, served by one HTTP framework, for
 * bench/http-framework.ts: `node bench/support/framework-server.ts fastify|express DATA_DIR`
 * prints `listening <url>` once ready. Both adapters do the same work per request (validate
 * params, query and body with the route's schemas, run its handler, answer JSON or
 * problem+json); neither runs the service's authentication, rate limits or telemetry, so what
 * differs between the two is the framework.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import { z } from 'zod';
import { loadConfig } from '../../config/load.ts';
import { createLogger } from '../../lib/logger.ts';
import { version } from '../../lib/version.ts';
import { assembleBase, connectStore } from '../../service/assemble.ts';
import { dependencyChecks } from '../../service/health/checks.ts';
import { watchEventLoop } from '../../service/health/event-loop.ts';
import { createHealth } from '../../service/health/health.ts';
import { toProblem } from '../../service/http/errors.ts';
import { problemBody, problemContentType } from '../../service/http/problems.ts';
import type { RouteDef, RouteResponse } from '../../service/http/route.ts';
import { parseInput } from '../../service/http/validate.ts';
import type { KnowledgeDeps } from '../../service/knowledge/deps.ts';
import { routeTable } from '../../service/routes/index.ts';
import { createNoopTelemetry } from '../../service/telemetry/noop-telemetry.ts';

const [framework, dataDir] = process.argv.slice(2);
if ((framework !== 'fastify' && framework !== 'express') || dataDir === undefined) {
  console.error('usage: framework-server.ts fastify|express DATA_DIR');
  process.exit(2);
}

const { config } = loadConfig({
  env: { AIDB_DATA_DIR: dataDir, AIDB_TELEMETRY: 'false' },
  readFile: () => '',
});
const logger = createLogger({ level: 'warn', name: framework });
const telemetry = createNoopTelemetry();
const base = assembleBase(config, logger, telemetry);
const deps: KnowledgeDeps = { ...base, ...(await connectStore(config, logger, base, undefined)) };
const health = createHealth({
  checks: () => dependencyChecks(deps),
  starting: () => undefined,
  checkTimeoutMs: config.health.checkTimeoutMs,
  readyCacheMs: config.health.readyCacheMs,
  eventLoopStallMs: config.health.eventLoopStallMs,
  eventLoop: watchEventLoop(),
  telemetry: telemetry.health,
  breakers: base.breakers,
  indexKind: () => deps.index.kind,
  version,
});
const routes = routeTable({
  defaultCollection: config.service.defaultCollection,
  version,
  health,
  retryAfterSeconds: config.resilience.retryAfterSeconds,
});

const noInput = z.object({}).strict();

/** What both adapters do with a request once their framework has routed and parsed it. */
function handle(route: RouteDef, params: unknown, query: unknown, body: unknown) {
  return route.handler(
    {
      params: route.params === undefined ? {} : parseInput(route.params, params, 'params'),
      query: parseInput(route.query ?? noInput, query, 'query'),
      body: route.body === undefined ? undefined : parseInput(route.body, body ?? {}, 'body'),
      signal: new AbortController().signal,
      requestId: 'bench',
    },
    deps,
  );
}

function problemOf(error: unknown, path: string) {
  const problem = toProblem(error, config.resilience.retryAfterSeconds);
  return { status: problem.status, body: problemBody(problem, path, 'bench') };
}

async function serveWithFastify(): Promise<string> {
  const app = Fastify({ logger: false, bodyLimit: config.service.bodyLimitBytes });
  app.setErrorHandler(async (error, request, reply) => {
    const problem = problemOf(error, request.url);
    return reply.code(problem.status).type(problemContentType).send(problem.body);
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const result = await handle(route, request.params, request.query, request.body);
        reply.code(result.status);
        if (result.headers !== undefined) reply.headers(result.headers);
        return reply.send(result.body);
      },
    });
  }
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function serveWithExpress(): Promise<string> {
  const app = express();
  app.use(express.json({ limit: config.service.bodyLimitBytes }));
  const send = (res: Response, result: RouteResponse): void => {
    res.status(result.status);
    if (result.headers !== undefined) res.set(result.headers);
    if (result.body === undefined) res.end();
    else res.json(result.body);
  };
  for (const route of routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    // Express 5 passes a rejected handler's error on to the error middleware.
    app[method](route.path, async (req: Request, res: Response) => {
      send(res, await handle(route, req.params, req.query, req.body));
    });
  }
  // Express tells error middleware from the rest by its four parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = problemOf(error, req.path);
    res.status(problem.status).type(problemContentType).send(JSON.stringify(problem.body));
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(
        `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}`,
      );
    });
  });
}

const url = framework === 'fastify' ? await serveWithFastify() : await serveWithExpress();
console.log(`listening ${url}`);
