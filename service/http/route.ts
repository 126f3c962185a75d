import type { z } from 'zod';
import type { RateLimitPolicy } from '../../catalog/labels.ts';
import type { ProblemCode } from '../api/problems.ts';
import type { KnowledgeDeps } from '../knowledge/deps.ts';

export const scopes = ['public', 'read', 'write', 'admin'] as const;
/** `public` routes need no key; the others need a key holding that scope (admin implies all). */
export type Scope = (typeof scopes)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly signal: AbortSignal;
  readonly requestId: string;
}

export interface ResponseDoc {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Media type of the body; `application/json` unless said. */
  readonly contentType?: string;
}

/**
 * One HTTP route: the single table that registration, OpenAPI, auth scopes and rate-limit
 * policies are all derived from, so none of them can forget a route.
 */
export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** Route template in Fastify syntax (`/v1/collections/:name`); also the metrics `http_route`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly scope: Scope;
  /** A key is needed even when reads are open (`/metrics` reveals internals). */
  readonly keyAlways?: true;
  /**
   * Rate-limit budget; by default the one of the scope (public routes: per client address).
   * Kubernetes probes are exempt: a throttled liveness probe would restart a healthy pod.
   */
  readonly limit?: RateLimitPolicy | 'exempt';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Successful answers (and the health probes' 503 report) by status. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /**
   * Refusals particular to this route and when each happens; those every route of its kind can
   * give (validation, authentication, rate limits, availability) are derived from the table.
   */
  readonly problems?: Readonly<Partial<Record<ProblemCode, string>>>;
  /** `none`: served without the store or any dependency (probes, metrics, this document). */
  readonly dependencies?: 'none';
  handler(
    input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
    deps: KnowledgeDeps,
  ): Promise<RouteResponse>;
}

/** Declares a route, inferring the handler's input types from its schemas. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: RouteDef<P, Q, B>,
): RouteDef {
  return def;
}
