import type { RouteDef } from './route.ts';

/** What the router could serve at a path, for the 405 of a method it does not. */
export interface AllowedMethods {
  /** The methods served at `path` (HEAD with every GET), sorted; undefined when no route matches. */
  at(path: string): readonly string[] | undefined;
}

/** `/v1/collections/:name` → a pattern matching one non-empty segment per parameter. */
function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The methods of every route template, so a request the router found no route for can be told
 * apart: a known path with another method (405 with `Allow`, RFC 9110 §15.5.6) or no path at all
 * (404). `extra` are methods served on every path (OPTIONS when CORS answers preflights).
 */
export function allowedMethods(
  routes: readonly Pick<RouteDef, 'method' | 'path'>[],
  extra: readonly string[] = [],
): AllowedMethods {
  const byTemplate = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = byTemplate.get(route.path) ?? new Set(extra);
    methods.add(route.method);
    // Fastify answers HEAD on every GET route (exposeHeadRoutes).
    if (route.method === 'GET') methods.add('HEAD');
    byTemplate.set(route.path, methods);
  }
  const table = [...byTemplate].map(([template, methods]) => ({
    pattern: templatePattern(template),
    methods,
  }));
  return {
    at(path) {
      const found = new Set<string>();
      for (const entry of table)
        if (entry.pattern.test(path)) for (const method of entry.methods) found.add(method);
      return found.size === 0 ? undefined : [...found].sort();
    },
  };
}
