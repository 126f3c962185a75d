import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../lib/backoff.ts';

const policy = { initialMs: 250, maxMs: 10_000 };

describe('backoffDelayMs', () => {
  it('doubles from the first step and stops at the cap, half fixed and half jitter', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelayMs(retry, policy, () => 0));
    const high = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelayMs(retry, policy, () => 1));
    expect(low).toEqual([125, 250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(high).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('never waits less than half a step nor more than the cap, however many retries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          const delay = backoffDelayMs(retry, policy, () => random);
          const step = Math.min(policy.maxMs, policy.initialMs * 2 ** (retry - 1));
          return delay >= Math.floor(step / 2) && delay <= policy.maxMs;
        },
      ),
    );
  });
});
