/**
 * Errors the API returns, as RFC 9457 problem details. Each has a stable `code` clients can
 * switch on; `type` is the same code as a URN, since aidb publishes no problem pages.
 */
export const problemStatus = {
  invalid_body: 400,
  invalid_query: 400,
  invalid_path: 400,
  invalid_json: 400,
  dimension_mismatch: 400,
  duplicate_id: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  invalid_api_key: 401,
  forbidden: 403,
  collection_not_found: 404,
  document_not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  dimension_immutable: 409,
  snapshot_unavailable: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  dependency_unavailable: 503,
  starting: 503,
} as const;

export type ProblemCode = keyof typeof problemStatus;
