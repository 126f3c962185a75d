import type { RouteDef } from '../http/route.ts';
import type { Requirement } from './authenticate.ts';

/** What a route of the table asks of its caller, given whether reads need a key. */
export function routeRequirement(
  route: Pick<RouteDef, 'scope' | 'keyAlways'>,
  readsRequireKey: boolean,
): Requirement {
  if (route.scope === 'public') return { key: 'none' };
  if (route.scope === 'read' && !readsRequireKey && route.keyAlways !== true)
    return { key: 'optional', scope: 'read' };
  return { key: 'required', scope: route.scope };
}
