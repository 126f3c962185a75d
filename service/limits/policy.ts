import type { RateLimitPolicy } from '../../catalog/labels.ts';
import type { Config } from '../../config/schema.ts';
import type { RouteDef } from '../http/route.ts';

/** The budget a route draws on, or `exempt`. */
export function routePolicy(route: Pick<RouteDef, 'scope' | 'limit'>): RateLimitPolicy | 'exempt' {
  return route.limit ?? (route.scope === 'public' ? 'unauthenticated' : route.scope);
}

/** Requests per minute of each policy, from the configuration. */
export function policyBudgets(
  settings: Config['rateLimit'],
): Readonly<Record<RateLimitPolicy, number>> {
  return {
    search: settings.searchPerMinute,
    write: settings.writePerMinute,
    read: settings.readPerMinute,
    admin: settings.adminPerMinute,
    unauthenticated: settings.unauthenticatedPerMinute,
    auth_failures: settings.authFailuresPerMinute,
  };
}
