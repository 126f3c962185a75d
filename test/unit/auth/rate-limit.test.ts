import { describe, expect, it } from 'vitest';
import { rateLimitHeaders } from '../../../service/limits/headers.ts';
import { createRateLimiter, type Decision } from '../../../service/limits/limiter.ts';
import { routePolicy } from '../../../service/limits/policy.ts';

const budgets = { search: 3, write: 5, read: 5, admin: 5, unauthenticated: 5, auth_failures: 2 };

describe('rate limits', () => {
  it('draws each route from the budget of its scope unless it names one', () => {
    expect(routePolicy({ scope: 'public' })).toBe('unauthenticated');
    expect(routePolicy({ scope: 'write' })).toBe('write');
    expect(routePolicy({ scope: 'read', limit: 'search' })).toBe('search');
    expect(routePolicy({ scope: 'public', limit: 'exempt' })).toBe('exempt');
  });

  it('admits the budget per subject, then refuses with the time to the reset', async () => {
    const decisions: Decision[] = [];
    const limiter = createRateLimiter({
      budgets,
      redis: undefined,
      whenRedisDown: 'memory',
      onDecision: (d) => decisions.push(d),
    });
    const first = await limiter.consume('search', 'key:a');
    expect(first).toMatchObject({ allowed: true, remaining: 2, limit: 3, backend: 'memory' });
    await limiter.consume('search', 'key:a');
    await limiter.consume('search', 'key:a');
    const refused = await limiter.consume('search', 'key:a');
    expect(refused.allowed).toBe(false);
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.consume('search', 'key:b')).allowed).toBe(true);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, true]);
    expect(await limiter.exhausted('auth_failures', 'ip:1')).toBeUndefined();
    await limiter.consume('auth_failures', 'ip:1');
    await limiter.consume('auth_failures', 'ip:1');
    expect((await limiter.exhausted('auth_failures', 'ip:1'))?.allowed).toBe(false);
  });

  it('writes the IETF RateLimit and RateLimit-Policy fields', () => {
    expect(
      rateLimitHeaders({
        policy: 'search',
        limit: 60,
        windowSeconds: 60,
        remaining: 41,
        resetSeconds: 17,
      }),
    ).toEqual({ 'ratelimit-policy': '"search";q=60;w=60', ratelimit: '"search";r=41;t=17' });
  });
});
