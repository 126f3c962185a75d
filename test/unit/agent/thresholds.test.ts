import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialThresholdState,
  nextThresholdState,
  spreadOffsetMs,
  type ThresholdState,
} from '../../../agent/thresholds.ts';

const thresholds = { failureThreshold: 3, successThreshold: 2 };

function run(results: readonly boolean[]): ThresholdState[] {
  const states: ThresholdState[] = [];
  let state = initialThresholdState;
  results.forEach((ok, i) => {
    state = nextThresholdState(state, ok, 1000 * (i + 1), thresholds);
    states.push(state);
  });
  return states;
}

describe('Kubernetes probe thresholds', () => {
  const cases: readonly {
    name: string;
    results: boolean[];
    states: string[];
    transition: (number | undefined)[];
  }[] = [
    {
      name: 'stays unknown until successThreshold successes, then is up',
      results: [true, true, true],
      states: ['unknown', 'up', 'up'],
      transition: [undefined, 2000, 2000],
    },
    {
      name: 'goes down only at the failureThreshold-th consecutive failure',
      results: [true, true, false, false, false, false],
      states: ['unknown', 'up', 'up', 'up', 'down', 'down'],
      transition: [undefined, 2000, 2000, 2000, 5000, 5000],
    },
    {
      name: 'a success in between resets the failure count',
      results: [true, true, false, false, true, false, false],
      states: ['unknown', 'up', 'up', 'up', 'up', 'up', 'up'],
      transition: [undefined, 2000, 2000, 2000, 2000, 2000, 2000],
    },
    {
      name: 'comes back up after successThreshold consecutive successes',
      results: [false, false, false, true, false, true, true],
      states: ['unknown', 'unknown', 'down', 'down', 'down', 'down', 'up'],
      transition: [undefined, undefined, 3000, 3000, 3000, 3000, 7000],
    },
  ];
  it('has four cases', () => {
    expect(cases).toHaveLength(4);
  });
  it.each(cases)('$name', ({ results, states, transition }) => {
    const out = run(results);
    expect(out.map((s) => s.state)).toEqual(states);
    expect(out.map((s) => s.lastTransitionMs)).toEqual(transition);
  });

  it('is down whenever the last failureThreshold results failed, and never up then', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (results) => {
        const out = run(results);
        out.forEach((state, i) => {
          const tail = results.slice(0, i + 1);
          const failedRun = tail.length - tail.lastIndexOf(true) - 1;
          expect(state.consecutiveFailures).toBe(failedRun);
          if (failedRun >= thresholds.failureThreshold) expect(state.state).toBe('down');
          if (state.state === 'up') expect(failedRun).toBeLessThan(thresholds.failureThreshold);
        });
      }),
    );
  });

  it('never changes the state it is given', () => {
    const before = structuredClone(initialThresholdState);
    nextThresholdState(initialThresholdState, false, 1, thresholds);
    expect(initialThresholdState).toEqual(before);
  });
});

describe('spread offset', () => {
  it('falls inside the interval and is stable for a name', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 3_600_000 }), (name, interval) => {
        const offset = spreadOffsetMs(name, interval);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(interval);
        expect(spreadOffsetMs(name, interval)).toBe(offset);
      }),
    );
  });

  it('spreads 200 targets over a 1 s interval instead of firing them together', () => {
    const offsets = Array.from({ length: 200 }, (_, i) =>
      spreadOffsetMs(`t${String(i).padStart(3, '0')}`, 1000),
    );
    const tenths = new Set(offsets.map((o) => Math.floor(o / 100)));
    expect(tenths.size).toBe(10);
  });
});
