import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type Requirement } from '../auth/authenticate.ts';
import type { ApiKey } from '../../lib/api-keys.ts';
import { rateLimitHeaders } from '../limits/headers.ts';
import type { RateLimiter } from '../limits/limiter.ts';
import type { ProtectionTelemetry } from '../telemetry/protection-telemetry.ts';
import { ProblemError } from './problems.ts';
import { securityHeaders } from './security-headers.ts';
import type { AuthFailureReason, RateLimitPolicy } from '../../catalog/labels.ts';

/** What the route table says about one route, carried in Fastify's route config. */
export interface RouteGuard {
  readonly requirement: Requirement;
  readonly policy: RateLimitPolicy | 'exempt';
}

export interface ProtectOptions {
  readonly keys: readonly ApiKey[];
  /** Absent when rate limiting is off. */
  readonly limiter: RateLimiter | undefined;
  readonly telemetry: Pick<ProtectionTelemetry, 'authFailed'>;
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
 * that keeps presenting wrong keys is refused until its window resets, except for requests that
 * carry a valid key.
 */
export function installProtection(app: FastifyInstance, options: ProtectOptions): void {
  const { keys, limiter, telemetry } = options;
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(securityHeaders);
    const guard = guardOf(request);
    const result = authenticate(keys, guard.requirement, request.headers.authorization);
    // A valid key is limited by its own budget only: an address shared through NAT, a proxy or
    // a sidecar must not let one client's guessing lock out everyone else's keys.
    if (!result.ok || result.key === undefined) await refuseLockedOut(request, guard, limiter);
    if (!result.ok) {
      telemetry.authFailed(result.reason);
      // Only a key presented and wrong counts toward the lockout: that is what guessing looks
      // like. A missing key or a valid key of too small a scope is a client mistake.
      if (result.reason === 'invalid_key' && limiter !== undefined)
        await limiter.consume('auth_failures', request.ip);
      throw refusal(result.reason);
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

/** 429 when the request's address failed authentication too often and no valid key came with it. */
async function refuseLockedOut(
  request: FastifyRequest,
  guard: RouteGuard,
  limiter: RateLimiter | undefined,
): Promise<void> {
  if (guard.requirement.key === 'none' || limiter === undefined) return;
  const locked = await limiter.exhausted('auth_failures', request.ip);
  if (locked !== undefined) {
    throw new ProblemError(
      'rate_limited',
      'too many failed authentications from this address; a valid API key is still served',
      retryAfter(locked.resetSeconds, rateLimitHeaders(locked)),
    );
  }
}

function refusal(reason: AuthFailureReason): ProblemError {
  switch (reason) {
    case 'insufficient_scope':
      return new ProblemError('forbidden', 'the API key does not hold the scope this route needs');
    case 'missing_key':
      return new ProblemError('unauthorized', 'send an API key as `Authorization: Bearer <key>`', {
        headers: { 'www-authenticate': 'Bearer realm="aidb"' },
      });
    case 'invalid_key':
      return new ProblemError(
        'invalid_api_key',
        'the API key is not valid: it is not one this service is configured with',
        { headers: { 'www-authenticate': 'Bearer realm="aidb", error="invalid_token"' } },
      );
  }
}
