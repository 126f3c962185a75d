/**
 * When the client sends a request again. Pure: time and randomness are passed in.
 *
 * The rule:
 * - Only 429 and 503 are retried; every other answer is final.
 * - Safe requests (GET, PUT, DELETE and the read-only POSTs `search` and `embed`) are retried on
 *   both, since sending them twice has the effect of sending them once.
 * - Other POSTs (`ingestDocuments`, `collectGarbage`) are retried only when the server said it
 *   did not process them: 429 (the rate limiter answers before any handler runs) or 503
 *   `starting` (the store is not open yet, so the request was refused at the door). A 503
 *   `dependency_unavailable` may come after part of the work was done, so it is not retried:
 *   ingest without ids would then store the documents twice.
 * - Network errors are not retried: the request may have reached the server.
 * - The wait is at least `Retry-After` when the server sends it, else exponential backoff;
 *   both get up to `jitterRatio` extra, so clients refused together do not return together.
 * - At most `maxAttempts` requests, and no wait that would end after `maxElapsedMs` from the
 *   first request: the caller gets the last error instead of a late answer.
 */

export interface RetryPolicy {
  /** Requests in total, the first included. @default 4 */
  readonly maxAttempts: number;
  /** Time budget from the first request; no retry starts after it. @default 30000 */
  readonly maxElapsedMs: number;
  /** First backoff when the server gives no Retry-After. @default 200 */
  readonly baseDelayMs: number;
  /** Largest backoff without Retry-After. @default 5000 */
  readonly maxDelayMs: number;
  /** Extra random wait, as a fraction of the wait. @default 0.2 */
  readonly jitterRatio: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  maxElapsedMs: 30_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  jitterRatio: 0.2,
};

/** Validates a partial policy and fills in the defaults. */
export function retryPolicy(input: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...input };
  for (const [name, value] of Object.entries(policy)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new TypeError(`aidb client: retry.${name} must be a finite number`);
    if (value < 0) throw new RangeError(`aidb client: retry.${name} must be ≥ 0`);
  }
  if (policy.maxAttempts < 1 || !Number.isInteger(policy.maxAttempts))
    throw new RangeError('aidb client: retry.maxAttempts must be an integer ≥ 1');
  return policy;
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // IMF-fixdate only: Date.parse would also read "-3" as a year.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed))
    return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

export interface Attempt {
  /** Whether sending the request twice is harmless (see the rule above). */
  readonly idempotent: boolean;
  readonly status: number;
  /** The problem's reason code, if the answer was a problem. */
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** 1 for the first request. */
  readonly attempt: number;
  /** Time since the first request was sent. */
  readonly elapsedMs: number;
}

export function isRetryable(attempt: Pick<Attempt, 'idempotent' | 'status' | 'code'>): boolean {
  if (attempt.status === 429) return true;
  if (attempt.status !== 503) return false;
  return attempt.idempotent || attempt.code === 'starting';
}

/** How long to wait before the next request, or `undefined` to give up now. */
export function retryDelay(
  attempt: Attempt,
  policy: RetryPolicy,
  random: number,
): number | undefined {
  if (!isRetryable(attempt) || attempt.attempt >= policy.maxAttempts) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt.attempt - 1));
  const base = attempt.retryAfterSeconds === undefined ? backoff : attempt.retryAfterSeconds * 1000;
  const delay = Math.round(base * (1 + policy.jitterRatio * random));
  return attempt.elapsedMs + delay > policy.maxElapsedMs ? undefined : delay;
}
