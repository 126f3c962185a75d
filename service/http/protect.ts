import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type Requirement } from '../auth/authenticate.ts';
import type { ApiKey } from '../../lib/api-keys.ts';
import { rateLimitHeaders } from '../limits/headers.ts';
import type { RateLimiter } from '../limits/limiter.ts';
import type { RateLimitPolicy } from '../limits/policy.ts';
import type { ServiceTelemetry } from '../telemetry/service-telemetry.ts';
import { ProblemError } from './problems.ts';
import { securityHeaders } from './security-headers.ts';

/** What the route table says about one route, carried in Fastify's route config. */
export interface RouteGuard {
  readonly requirement: Requirement;
  readonly policy: RateLimitPolicy | 'exempt';
}

export interface ProtectOptions {
  readonly keys: readonly ApiKey[];
  /** Absent when rate limiting is off. */
  readonly limiter: RateLimiter | undefined;
  readonly telemetry: Pick<ServiceTelemetry, 'authFailed'>;
}

// Unknown paths (404s) get the budget of unauthenticated routes, so scanning is throttled too.
const unrouted: RouteGuard = { requirement: { key: 'none' }, policy: 'unauthenticated' };

function guardOf(request: FastifyRequest): RouteGuard {
  const config = request.routeOptions.config as { guard?: RouteGuard } | undefined;
  return config?.guard ?? unrouted;
}

function retryAfter(seconds: number, headers: Record<string, string>) {
  return { retryAfterSeconds: seconds, headers };
}

/**
 * Security headers, authentication and rate limits, before any route runs. A client address
 * that keeps failing authentication is refused outright until its window resets.
 */
export function installProtection(app: FastifyInstance, options: ProtectOptions): void {
  const { keys, limiter, telemetry } = options;
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(securityHeaders);
    const guard = guardOf(request);
    if (guard.requirement.key !== 'none' && limiter !== undefined) {
      const locked = await limiter.exhausted('auth_failures', request.ip);
      if (locked !== undefined) {
        throw new ProblemError(
          'rate_limited',
          'too many failed authentications from this address',
          retryAfter(locked.resetSeconds, rateLimitHeaders(locked)),
        );
      }
    }
    const result = authenticate(keys, guard.requirement, request.headers.authorization);
    if (!result.ok) {
      telemetry.authFailed(result.reason);
      if (limiter !== undefined) await limiter.consume('auth_failures', request.ip);
      if (result.reason === 'insufficient_scope')
        throw new ProblemError('forbidden', 'the API key does not hold the scope this route needs');
      throw new ProblemError('unauthorized', 'send an API key as `Authorization: Bearer <key>`', {
        headers: {
          'www-authenticate':
            result.reason === 'missing_key'
              ? 'Bearer realm="aidb"'
              : 'Bearer realm="aidb", error="invalid_token"',
        },
      });
    }
    if (limiter === undefined || guard.policy === 'exempt') return;
    const subject = result.key === undefined ? `ip:${request.ip}` : `key:${result.key.name}`;
    const decision = await limiter.consume(guard.policy, subject);
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new ProblemError(
        'rate_limited',
        `the ${guard.policy} budget of ${String(decision.limit)} requests per ${String(decision.windowSeconds)} s is used up`,
        retryAfter(decision.resetSeconds, headers),
      );
    }
    reply.headers(headers);
  });
}
