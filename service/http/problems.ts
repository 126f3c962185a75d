import { problemDocument, type FieldError, type ProblemDocument } from '../../lib/problem-json.ts';

export { problemContentType, type FieldError } from '../../lib/problem-json.ts';
import { problemStatus, type ProblemCode } from '../api/problems.ts';

const titles: Readonly<Record<ProblemCode, string>> = {
  invalid_body: 'The request body is invalid',
  invalid_query: 'The query string is invalid',
  invalid_path: 'The path is invalid',
  invalid_json: 'The request body is not valid JSON',
  dimension_mismatch: 'The vector dimension does not match the collection',
  duplicate_id: 'A document id is repeated within the batch',
  invalid_cursor: 'The cursor is not one this search or listing issued',
  unauthorized: 'An API key is required',
  invalid_api_key: 'Invalid API key',
  forbidden: 'The API key lacks the required scope',
  collection_not_found: 'No such collection',
  document_not_found: 'No such document',
  route_not_found: 'No such route',
  method_not_allowed: 'Method not allowed on this route',
  dimension_immutable: 'The embedding dimension of a collection cannot change',
  snapshot_unavailable: 'This database cannot be snapshotted by the service',
  body_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body must be application/json',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  dependency_unavailable: 'A dependency is unavailable',
  starting: 'The service is starting',
};

export interface ProblemBody extends ProblemDocument {
  readonly code: ProblemCode;
}

export interface ProblemOptions {
  readonly errors?: readonly FieldError[];
  /** Seconds the client should wait before retrying (429, 503). */
  readonly retryAfterSeconds?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** An error that becomes a problem+json response; anything else becomes a bare 500. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: readonly FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ProblemCode, detail: string, options: ProblemOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'ProblemError';
    this.code = code;
    this.status = problemStatus[code];
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
  }
}

export function problemBody(error: ProblemError, instance: string, requestId: string): ProblemBody {
  return {
    ...problemDocument({
      code: error.code,
      title: titles[error.code],
      status: error.status,
      detail: error.message,
      instance,
      requestId,
      errors: error.errors,
    }),
    code: error.code,
  };
}
