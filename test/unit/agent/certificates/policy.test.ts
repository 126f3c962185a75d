import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  coversDomains,
  renewalDue,
} from '../../../../agent/certificates/policy.ts';

const day = 86_400;
// A 90-day Let's Encrypt certificate issued at t = 0.
const validity = () => ({ notBefore: 0, notAfter: 90 * day });

describe('renewalDue', () => {
  const cases = [
    { name: 'a fresh certificate is not due.', now: 1 * day, fraction: 1 / 3, due: false },
    { name: 'day 59 of 90 at 1/3 is not due.', now: 59 * day, fraction: 1 / 3, due: false },
    { name: 'day 61 of 90 at 1/3 is due.', now: 61 * day, fraction: 1 / 3, due: true },
    { name: 'an expired certificate is due.', now: 91 * day, fraction: 1 / 3, due: true },
    { name: 'fraction 1 makes every run due.', now: 1, fraction: 1, due: true },
    { name: 'fraction 1/2 waits for day 45.', now: 44 * day, fraction: 1 / 2, due: false },
  ] as const;
  it.each(cases)('$name', ({ now, fraction, due }) => {
    expect(renewalDue(validity(), now, fraction)).toBe(due);
  });
  it('covers every case (count guard).', () => {
    expect(cases).toHaveLength(6);
  });
});

describe('backoffDelayMs', () => {
  const backoff = { minMs: 60_000, maxMs: 6 * 3_600_000 };
  it('no failure waits nothing.', () => {
    expect(backoffDelayMs(0, backoff, 0.5)).toBe(0);
  });
  it('doubles per failure, between half and all of the ceiling.', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, backoff, 0))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, backoff, 0.999_999))).toEqual([
      60_000, 120_000, 240_000, 480_000,
    ]);
  });
  it('stops growing at the maximum, even after very many failures.', () => {
    expect(backoffDelayMs(1_000, backoff, 0)).toBe(3 * 3_600_000);
    expect(backoffDelayMs(1_000, backoff, 0.5)).toBe(4.5 * 3_600_000);
  });
});

describe('coversDomains', () => {
  it('a certificate naming every wanted domain covers them, in any case.', () => {
    expect(
      coversDomains(['WWW.example.org', 'example.org'], ['example.org', 'www.example.org']),
    ).toBe(true);
  });
  it('a certificate missing a newly configured domain does not.', () => {
    expect(coversDomains(['example.org'], ['example.org', 'api.example.org'])).toBe(false);
  });
});
