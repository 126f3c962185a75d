import { describe, expect, it } from 'vitest';
import { missedRun, scheduledSlot } from '../../../agent/missed-runs.ts';

// Cron schedules read in the process's local time, as cron does: build local times too.
const at = (day: number, hour: number) => new Date(2026, 2, day, hour, 0, 0).getTime();

describe('runs missed while the agent was down (schedule 0 2 * * *)', () => {
  it.each([
    ['no recorded run means nothing to catch up', undefined, at(2, 3), false],
    ['the next daily run is still ahead', at(2, 2), at(2, 12), false],
    ['one daily run was missed', at(1, 2), at(2, 12), true],
    ['several missed runs still count as one', at(1, 2) - 60 * 86_400_000, at(2, 12), true],
    ['a run due exactly now is missed', at(1, 2), at(2, 2), true],
  ] as const)('%s', (_name, lastRun, now, expected) => {
    expect(missedRun('0 2 * * *', lastRun, now)).toBe(expected);
  });
});

describe('the slot a scheduled run belongs to (schedule 0 2 * * *)', () => {
  it.each([
    ['a timer firing on time', at(2, 2) + 5, at(2, 2)],
    ['a timer firing late the same day', at(2, 12), at(2, 2)],
    ['a timer firing a little early', at(2, 2) - 400, at(2, 2)],
  ] as const)('%s', (_name, now, slot) => {
    expect(scheduledSlot('0 2 * * *', now)).toBe(slot);
  });
});
