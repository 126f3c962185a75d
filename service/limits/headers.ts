import type { RateLimitPolicy } from '../../catalog/labels.ts';

export interface Quota {
  readonly policy: RateLimitPolicy;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

/**
 * `RateLimit-Policy` and `RateLimit` as structured fields of the IETF HTTPAPI draft
 * (draft-ietf-httpapi-ratelimit-headers-09): quota `q` per window `w`, remaining `r`, reset `t`.
 */
export function rateLimitHeaders(quota: Quota): Record<string, string> {
  const name = `"${quota.policy}"`;
  return {
    'ratelimit-policy': `${name};q=${String(quota.limit)};w=${String(quota.windowSeconds)}`,
    ratelimit: `${name};r=${String(quota.remaining)};t=${String(quota.resetSeconds)}`,
  };
}
