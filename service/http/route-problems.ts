import { routePolicy } from '../limits/policy.ts';
import type { RouteDef } from './route.ts';
import type { ProblemCode } from '../api/problems.ts';

export type ProblemDocs = Readonly<Partial<Record<ProblemCode, string>>>;

/**
 * Every refusal a route can give, with when: the kinds every route of its shape can give
 * (derived from the table, as app.ts, protect.ts and the limiter apply them) plus the route's
 * own rules. The OpenAPI document lists exactly these, so a client knows each status and code.
 */
export function routeProblems(route: RouteDef): ProblemDocs {
  const problems: Partial<Record<ProblemCode, string>> = {};
  if (route.params !== undefined)
    problems.invalid_path = 'a path parameter does not match its schema';
  problems.invalid_query =
    route.query === undefined
      ? 'a query parameter was sent; this route takes none'
      : 'a query parameter does not match its schema, or is unknown';
  // Fastify reads a body on every method but GET and HEAD, whether or not the route wants one.
  if (route.method !== 'GET') {
    problems.invalid_json = 'the body is not valid JSON, or holds a key named `__proto__`';
    problems.body_too_large = 'the body is larger than `service.bodyLimitBytes`';
    problems.unsupported_media_type = 'the body is not `application/json`';
  }
  if (route.body !== undefined) problems.invalid_body = 'the body does not match its schema';
  if (route.scope !== 'public') {
    problems.unauthorized = 'no API key was sent';
    problems.invalid_api_key = 'the API key is not one the service knows';
  }
  if (route.scope === 'write' || route.scope === 'admin')
    problems.forbidden = `the API key does not hold the \`${route.scope}\` scope`;
  if (routePolicy(route) !== 'exempt')
    problems.rate_limited =
      route.scope === 'public'
        ? "the address's budget for this minute is used up"
        : "the key's budget for this minute is used up, or (without a valid key) the address failed authentication too often";
  if (route.dependencies !== 'none') {
    problems.starting = 'the service has not reached PostgreSQL yet (see /health/startup)';
    problems.dependency_unavailable = 'a dependency the request needs failed';
  }
  return { ...problems, ...route.problems };
}
