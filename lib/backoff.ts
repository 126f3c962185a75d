/** Capped exponential backoff: the first retry waits about `initialMs`, none more than `maxMs`. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first). The step doubles from
 * `initialMs` up to `maxMs`; half of it is fixed and half drawn from `random` ("equal jitter",
 * AWS Architecture Blog, "Exponential Backoff And Jitter", 2015), so replicas that failed
 * together spread out instead of retrying in lockstep, yet none retries sooner than half a step.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
