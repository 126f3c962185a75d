import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerFactory,
} from 'fastify';
import { z } from 'zod';
import type { Logger } from '../lib/logger.ts';
import { requestIdOf } from '../lib/problem-json.ts';
import { isRejectionReason, toProblem } from './http/errors.ts';
import cors from '@fastify/cors';
import { routeRequirement } from './auth/requirement.ts';
import { installProtection, type ProtectOptions, type RouteGuard } from './http/protect.ts';
import { routePolicy } from './limits/policy.ts';
import { installHttpTelemetry } from './telemetry/http-telemetry.ts';
import { ProblemError, problemBody, problemContentType } from './http/problems.ts';
import { parseInput } from './http/validate.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { allowedMethods } from './http/allowed-methods.ts';
import type { ServiceTelemetry } from './telemetry/service-telemetry.ts';
import type { RouteDef } from './http/route.ts';

export interface AppOptions {
  /** What routes work with; the store part answers 503 `starting` until it is reached. */
  readonly deps: KnowledgeDeps;
  /** HTTP metrics and spans (absent with telemetry off) and what protection refused. */
  readonly telemetry: Pick<ServiceTelemetry, 'metrics' | 'tracer' | 'protection'>;
  readonly routes: readonly RouteDef[];
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  /** Retry-After of a 503 from a failing dependency. */
  readonly retryAfterSeconds: number;
  readonly protection: Omit<ProtectOptions, 'telemetry'>;
  readonly readsRequireKey: boolean;
  /** Addresses or CIDRs whose `X-Forwarded-For` names the client. */
  readonly trustedProxies: readonly string[];
  /** Origins CORS allows; none turns CORS off. */
  readonly corsOrigins: readonly string[];
  /** Creates the raw server (HTTPS); Fastify's plain HTTP server when absent. */
  readonly serverFactory?: FastifyServerFactory;
}

const noInput = z.object({}).strict();
const maxParamLength = 256;

function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  return requestIdOf(request.headers['x-request-id']);
}

/** Aborted when the connection closes before the response was sent: the client went away. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client went away'));
  });
  return controller.signal;
}

/** The HTTP API over the knowledge base: every route comes from the route table. */
export function createApp(options: AppOptions): FastifyInstance {
  const { logger } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    requestTimeout: options.requestTimeoutMs,
    genReqId: requestId,
    // On close: idle keep-alive sockets end at once, in-flight requests finish, and a request
    // that arrives on an open connection meanwhile is still served rather than refused.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    routerOptions: { maxParamLength },
    trustProxy: options.trustedProxies.length === 0 ? false : [...options.trustedProxies],
    ...(options.serverFactory === undefined ? {} : { serverFactory: options.serverFactory }),
  });
  if (options.corsOrigins.length > 0) {
    void app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'PUT', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: [
        'x-request-id',
        'x-trace-id',
        'retry-after',
        'ratelimit',
        'ratelimit-policy',
      ],
    });
  }

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  const { telemetry } = options;
  const http =
    telemetry.metrics === undefined
      ? undefined
      : installHttpTelemetry(app, { meter: telemetry.metrics.meter, tracer: telemetry.tracer });

  installProtection(app, { ...options.protection, telemetry: telemetry.protection });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error, options.retryAfterSeconds, options.bodyLimitBytes);
    if (isRejectionReason(problem.code)) telemetry.protection.rejected(problem.code);
    if (problem.status >= 500) {
      logger.error(
        {
          err: problem.cause ?? problem,
          requestId: request.id,
          traceId: http?.traceIdOf(request),
          route: request.routeOptions.url,
        },
        'request failed',
      );
    }
    if (problem.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(problem.retryAfterSeconds));
    return reply
      .code(problem.status)
      .headers(problem.headers)
      .type(problemContentType)
      .send(problemBody(problem, request.url.split('?')[0] ?? '/', request.id));
  });

  const allowed = allowedMethods(options.routes, options.corsOrigins.length > 0 ? ['OPTIONS'] : []);
  app.setNotFoundHandler((request) => {
    const path = request.url.split('?')[0] ?? '';
    const methods = allowed.at(path);
    if (methods === undefined)
      return Promise.reject(
        new ProblemError('route_not_found', `no route for ${request.method} ${path}`),
      );
    if (methods.includes(request.method)) {
      // The path has this route, but the router refused a parameter longer than it takes.
      return Promise.reject(
        new ProblemError(
          'invalid_path',
          `a path parameter is longer than ${maxParamLength} characters`,
        ),
      );
    }
    return Promise.reject(
      new ProblemError(
        'method_not_allowed',
        `${request.method} is not served on ${path}; use ${methods.join(', ')}`,
        {
          headers: { allow: methods.join(', ') },
        },
      ),
    );
  });

  for (const route of options.routes) {
    app.route({
      method: route.method,
      url: route.path,
      config: {
        guard: {
          requirement: routeRequirement(route, options.readsRequireKey),
          policy: routePolicy(route),
        } satisfies RouteGuard,
      },
      handler: async (request, reply) => {
        const input = {
          params:
            route.params === undefined ? {} : parseInput(route.params, request.params, 'params'),
          query: parseInput(route.query ?? noInput, request.query, 'query'),
          // An absent body is an empty one: routes whose fields all have defaults work without
          // one (the document says so). A JSON `null` is a body, and not an object.
          body:
            route.body === undefined
              ? undefined
              : parseInput(route.body, request.body === undefined ? {} : request.body, 'body'),
          signal: abortOnClose(reply),
          requestId: request.id,
        };
        const run = () => route.handler(input, options.deps);
        const result = http === undefined ? await run() : await http.inRequestContext(request, run);
        reply.code(result.status);
        if (result.headers !== undefined) reply.headers(result.headers);
        return result.body === undefined ? reply.send() : reply.send(result.body);
      },
    });
  }
  return app;
}
