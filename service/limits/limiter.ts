import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitBackend, RateLimitPolicy } from '../../catalog/labels.ts';
import type { Config } from '../../config/schema.ts';
import { DependencyError } from '../dependencies/dependency-error.ts';
import type { Quota } from './headers.ts';

export interface Decision extends Quota {
  readonly allowed: boolean;
  readonly backend: RateLimitBackend;
}

export interface RateLimiter {
  /** Takes one request from `subject`'s budget of `policy`. */
  consume(policy: RateLimitPolicy, subject: string): Promise<Decision>;
  /** Whether `subject` has used up `policy` without taking from it (auth-failure lockout). */
  exhausted(policy: RateLimitPolicy, subject: string): Promise<Decision | undefined>;
}

export interface RateLimiterOptions {
  readonly budgets: Readonly<Record<RateLimitPolicy, number>>;
  /** The shared store; without it (embedded profile) each process limits on its own. */
  readonly redis: Redis | undefined;
  readonly whenRedisDown: Config['rateLimit']['whenRedisDown'];
  readonly windowSeconds?: number;
  readonly onDecision: (decision: Decision) => void;
}

type Limiters = Readonly<Record<RateLimitPolicy, RateLimiterMemory | RateLimiterRedis>>;

function limitersOf(
  budgets: RateLimiterOptions['budgets'],
  make: (policy: RateLimitPolicy, points: number) => RateLimiterMemory | RateLimiterRedis,
): Limiters {
  const entries = Object.entries(budgets).map(([policy, points]) => [
    policy,
    make(policy as RateLimitPolicy, points),
  ]);
  return Object.fromEntries(entries) as Limiters;
}

/**
 * Fixed one-minute windows per subject, counted in Redis so every instance shares them. When
 * Redis fails, the configured mode decides: a per-process memory limiter (the default, which
 * lets N instances admit up to N× the budget), everything allowed, or everything refused (503).
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowSeconds = options.windowSeconds ?? 60;
  const memory = limitersOf(
    options.budgets,
    (policy, points) =>
      new RateLimiterMemory({ keyPrefix: `aidb:rl:${policy}`, points, duration: windowSeconds }),
  );
  const { redis } = options;
  const shared =
    redis === undefined
      ? undefined
      : limitersOf(
          options.budgets,
          (policy, points) =>
            new RateLimiterRedis({
              storeClient: redis,
              keyPrefix: `aidb:rl:${policy}`,
              points,
              duration: windowSeconds,
              // Fall back at once while disconnected instead of waiting for a timeout.
              rejectIfRedisNotReady: true,
            }),
        );

  const decide = (
    policy: RateLimitPolicy,
    backend: RateLimitBackend,
    allowed: boolean,
    result: RateLimiterRes | undefined,
  ): Decision => {
    const limit = options.budgets[policy];
    const decision: Decision = {
      policy,
      backend,
      allowed,
      limit,
      windowSeconds,
      remaining: result?.remainingPoints ?? limit,
      resetSeconds: Math.max(1, Math.ceil((result?.msBeforeNext ?? windowSeconds * 1000) / 1000)),
    };
    options.onDecision(decision);
    return decision;
  };

  const take = async (
    policy: RateLimitPolicy,
    subject: string,
    backend: RateLimitBackend,
    limiter: RateLimiterMemory | RateLimiterRedis,
  ): Promise<Decision> => {
    try {
      return decide(policy, backend, true, await limiter.consume(subject));
    } catch (error) {
      if (error instanceof RateLimiterRes) return decide(policy, backend, false, error);
      throw error;
    }
  };

  const withoutRedis = (policy: RateLimitPolicy, subject: string, cause: unknown) => {
    switch (options.whenRedisDown) {
      case 'memory':
        return take(policy, subject, 'memory', memory[policy]);
      case 'open':
        return Promise.resolve(decide(policy, 'none', true, undefined));
      case 'closed': {
        decide(policy, 'none', false, undefined);
        const error = new DependencyError('redis', 'connection', 'rate limits cannot be checked', {
          cause,
        });
        return Promise.reject(error);
      }
    }
  };

  return {
    async consume(policy, subject) {
      if (shared === undefined) return take(policy, subject, 'memory', memory[policy]);
      try {
        return await take(policy, subject, 'redis', shared[policy]);
      } catch (error) {
        return withoutRedis(policy, subject, error);
      }
    },
    async exhausted(policy, subject) {
      const limiter = shared?.[policy] ?? memory[policy];
      const result = await limiter.get(subject).catch(() => memory[policy].get(subject));
      if (result === null || result.consumedPoints < options.budgets[policy]) return undefined;
      return decide(policy, shared === undefined ? 'memory' : 'redis', false, result);
    },
  };
}
