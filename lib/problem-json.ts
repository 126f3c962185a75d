import { randomUUID } from 'node:crypto';

/**
 * The problem+json conventions (RFC 9457) every aidb process answers errors with: a stable
 * `code`, `type` as that code in a URN (aidb publishes no problem pages), a human `detail`, the
 * path as `instance`, and the request id that also names the request in the logs.
 */
export const problemContentType = 'application/problem+json';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance: string;
  readonly request_id: string;
  readonly errors?: readonly FieldError[];
}

export interface ProblemInput {
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[] | undefined;
}

export function problemDocument(input: ProblemInput): ProblemDocument {
  return {
    type: `urn:aidb:problem:${input.code}`,
    title: input.title,
    status: input.status,
    code: input.code,
    detail: input.detail,
    instance: input.instance,
    request_id: input.requestId,
    ...(input.errors === undefined ? {} : { errors: input.errors }),
  };
}

// A client may name its request; anything else gets a fresh id so logs never hold client junk.
const requestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/** The id of a request: the client's `X-Request-Id` when it is a sane token, else a new UUID. */
export function requestIdOf(offered: string | readonly string[] | undefined): string {
  return typeof offered === 'string' && requestIdPattern.test(offered) ? offered : randomUUID();
}

/**
 * Whether a `Content-Type` names a JSON body: `application/json`, in any letter case, with no
 * parameter but an optional UTF-8 charset (RFC 8259 JSON is UTF-8; `charset=utf-8` is what
 * many clients add by default).
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((p) => p === '' || /^charset="?utf-8"?$/.test(p));
}
