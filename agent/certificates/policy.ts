/** When to renew and how long to wait after a failure: pure, the clock and dice passed in. */

export interface Validity {
  /** Seconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * Due once less than `fraction` of the lifetime is left: 1/3 of a 90-day Let's Encrypt
 * certificate renews on day 60, the schedule certbot and Let's Encrypt recommend.
 */
export function renewalDue(validity: Validity, nowSeconds: number, fraction: number): boolean {
  const lifetime = validity.notAfter - validity.notBefore;
  return validity.notAfter - nowSeconds < lifetime * fraction;
}

export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Wait after the `failures`-th failure in a row: min·2^(failures−1), capped at max, then
 * "equal jitter" (half fixed, half random) so agents that failed together do not retry in step
 * against the CA's rate limits. `random` is in [0, 1).
 */
export function backoffDelayMs(failures: number, backoff: Backoff, random: number): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(failures - 1, 52));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** True when every wanted name appears among the certificate's names. */
export function coversDomains(names: readonly string[], wanted: readonly string[]): boolean {
  const have = new Set(names.map((name) => name.toLowerCase()));
  return wanted.every((name) => have.has(name));
}
