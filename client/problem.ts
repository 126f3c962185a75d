/**
 * The API's errors as the client sees them: RFC 9457 problem details with the service's stable
 * reason code, plus what a caller needs to decide what to do next.
 */
import { z } from 'zod';
import type { ProblemCode } from '../service/api/problems.ts';

/** The problem+json body; unknown codes are kept as strings so a newer server cannot break us. */
export const problemBody = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string().optional(),
  request_id: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export type Problem = z.infer<typeof problemBody>;

/** `ProblemCode` for every code this version knows, any string for a newer server's. */
export type ReasonCode = ProblemCode | (string & {});

export interface AidbApiErrorInit {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly code: ReasonCode;
  readonly detail: string;
  readonly retryAfterSeconds: number | undefined;
  readonly problem: Problem | undefined;
  /** Requests sent, retries included. */
  readonly attempts: number;
}

/** An HTTP answer other than success; `code` is the problem's reason code (`http_<status>` if none). */
export class AidbApiError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly code: ReasonCode;
  /** From `Retry-After`: how long the server asked us to wait, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  readonly problem: Problem | undefined;
  readonly attempts: number;

  constructor(init: AidbApiErrorInit) {
    super(`aidb client: ${init.method} ${init.url} → ${init.status} ${init.code}: ${init.detail}`);
    this.name = 'AidbApiError';
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.problem = init.problem;
    this.attempts = init.attempts;
  }
}

/** A success answer whose body does not match the route's schema: client and server disagree. */
export class AidbResponseError extends Error {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(`aidb client: ${message}`, options);
    this.name = 'AidbResponseError';
  }
}

/** The problem in a body, when it is one. */
export function parseProblem(text: string): Problem | undefined {
  try {
    const parsed = problemBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
