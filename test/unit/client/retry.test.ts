import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
  type Attempt,
} from '../../../client/retry.ts';

const attempt = (change: Partial<Attempt> = {}): Attempt => ({
  idempotent: true,
  status: 503,
  code: 'dependency_unavailable',
  retryAfterSeconds: undefined,
  attempt: 1,
  elapsedMs: 0,
  ...change,
});

describe('which answers are retried', () => {
  const cases: [string, Partial<Attempt>, boolean][] = [
    ['a safe request refused with 503 is retried.', {}, true],
    ['a safe request refused with 429 is retried.', { status: 429, code: 'rate_limited' }, true],
    [
      'an unsafe POST refused with 429 is retried: the limiter answers before any handler.',
      { idempotent: false, status: 429, code: 'rate_limited' },
      true,
    ],
    [
      'an unsafe POST refused with 503 starting is retried: the store was not open yet.',
      { idempotent: false, code: 'starting' },
      true,
    ],
    [
      'an unsafe POST answered 503 dependency_unavailable is not retried: work may be half done.',
      { idempotent: false },
      false,
    ],
    ['a 500 is never retried.', { status: 500, code: 'internal_error' }, false],
    ['a 400 is never retried.', { status: 400, code: 'invalid_body' }, false],
    ['a 502 without a problem body is not retried.', { status: 502, code: 'http_502' }, false],
  ];
  it.each(cases)('%s', (_name, change, expected) => {
    expect(isRetryable(attempt(change))).toBe(expected);
  });
  it('keeps every case', () => {
    expect(cases).toHaveLength(8);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it.each([
    ['delta seconds', '7', 7],
    ['zero', '0', 0],
    ['an HTTP date 90 s ahead', 'Sat, 28 Nov 2026 12:01:30 GMT', 90],
    ['an HTTP date in the past, as zero', 'Sat, 28 Nov 2026 11:00:00 GMT', 0],
    ['garbage, as absent', 'soon', undefined],
    ['a negative number, as absent', '-3', undefined],
  ] as const)('parses %s', (_name, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
  it('is absent when the header is', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('how long the client waits', () => {
  const policy = defaultRetryPolicy;
  it('waits at least Retry-After, plus jitter up to the ratio', () => {
    expect(retryDelay(attempt({ retryAfterSeconds: 2 }), policy, 0)).toBe(2000);
    expect(retryDelay(attempt({ retryAfterSeconds: 2 }), policy, 0.5)).toBe(2200);
  });
  it('backs off exponentially without Retry-After, capped by maxDelayMs', () => {
    expect([1, 2, 3].map((n) => retryDelay(attempt({ attempt: n }), policy, 0))).toEqual([
      200, 400, 800,
    ]);
    const many = retryPolicy({ maxAttempts: 20, maxElapsedMs: 600_000 });
    expect(retryDelay(attempt({ attempt: 10 }), many, 0)).toBe(5000);
  });
  it('gives up after maxAttempts requests', () => {
    expect(retryDelay(attempt({ attempt: 4 }), policy, 0)).toBeUndefined();
  });
  it('gives up when the wait would end after the time budget', () => {
    expect(retryDelay(attempt({ retryAfterSeconds: 31, elapsedMs: 0 }), policy, 0)).toBeUndefined();
    expect(
      retryDelay(attempt({ retryAfterSeconds: 1, elapsedMs: 29_500 }), policy, 0),
    ).toBeUndefined();
  });
});

describe('retry policy options', () => {
  it('rejects a policy that cannot work, naming the option', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(
      new RangeError('aidb client: retry.maxAttempts must be an integer ≥ 1'),
    );
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(
      new RangeError('aidb client: retry.baseDelayMs must be ≥ 0'),
    );
    expect(() => retryPolicy({ maxElapsedMs: Number.NaN })).toThrow(
      new TypeError('aidb client: retry.maxElapsedMs must be a finite number'),
    );
  });
});
