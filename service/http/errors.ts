import type { FastifyError } from 'fastify';
import { DependencyError } from '../dependencies/dependency-error.ts';
import { KnowledgeError, type KnowledgeRefusal } from '../knowledge/errors.ts';
import { rejectionReasons, type RejectionReason } from '../../catalog/labels.ts';
import type { ProblemCode } from '../api/problems.ts';
import { ProblemError } from './problems.ts';

// Errors Fastify raises itself while reading a request, and the problem each one is.
const fastifyCodes: Readonly<Record<string, ProblemCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_BAD_URL: 'invalid_path',
  FST_ERR_ASYNC_CONSTRAINT: 'invalid_path',
};

const details: Partial<Record<ProblemCode, string>> = {
  body_too_large: 'the request body exceeds the configured limit',
  unsupported_media_type: 'send the body as application/json',
  // Fastify's parser refuses `__proto__` keys (prototype poisoning) with the same error and
  // drops the cause, so the detail names both.
  invalid_json: 'the body is not valid JSON, or it holds a key named "__proto__"',
  invalid_body: 'the request body could not be read',
  invalid_path: 'the path could not be decoded',
};

// The knowledge base's refusals, and the problem each one is.
const knowledgeProblems: Readonly<Record<KnowledgeRefusal, ProblemCode>> = {
  collection_not_found: 'collection_not_found',
  document_not_found: 'document_not_found',
  invalid_cursor: 'invalid_cursor',
  dimension_mismatch: 'dimension_mismatch',
  dimension_immutable: 'dimension_immutable',
  duplicate_id: 'duplicate_id',
};

/**
 * Turns any error into a ProblemError: ours pass through, a refusal of the knowledge base is
 * the problem of its reason, an unavailable dependency is a 503
 * with Retry-After (`retryAfterSeconds` unless the failure knows better), Fastify's request
 * errors map to their codes (a too-large body names the limit), anything else is an internal error whose details stay in the log.
 */
export function toProblem(
  error: unknown,
  retryAfterSeconds: number,
  bodyLimitBytes?: number,
): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof KnowledgeError) {
    return new ProblemError(knowledgeProblems[error.reason], error.message, {
      ...(error.fields === undefined ? {} : { errors: error.fields }),
      cause: error,
    });
  }
  if (error instanceof DependencyError) {
    return new ProblemError('dependency_unavailable', error.message, {
      retryAfterSeconds: error.retryAfterSeconds ?? retryAfterSeconds,
      cause: error,
    });
  }
  const fastifyError = error as Partial<FastifyError> & { status?: number };
  let code =
    fastifyError.code === undefined
      ? undefined
      : fastifyError.code in fastifyCodes
        ? fastifyCodes[fastifyError.code]
        : undefined;
  // JSON.parse failures carry statusCode 400 and a SyntaxError name rather than a code.
  if (code === undefined && error instanceof SyntaxError && fastifyError.statusCode === 400)
    code = 'invalid_json';
  if (code === undefined && fastifyError.statusCode === 400) code = 'invalid_body';
  if (code === undefined)
    return new ProblemError(
      'internal_error',
      'the request failed; the request id identifies it in the logs',
      { cause: error },
    );
  // The limit is no secret, and a client needs it to split its batch.
  const detail =
    code === 'body_too_large' && bodyLimitBytes !== undefined
      ? `the request body exceeds the limit of ${String(bodyLimitBytes)} bytes (service.bodyLimitBytes)`
      : (details[code] ?? code);
  return new ProblemError(code, detail, { cause: error });
}

// The catalog's reason codes must all be problem codes of the API.
const reasonsAreProblems: readonly ProblemCode[] = rejectionReasons;

/** Whether a problem is a refusal of invalid input, counted by reason code. */
export function isRejectionReason(code: ProblemCode): code is RejectionReason {
  return reasonsAreProblems.includes(code);
}
