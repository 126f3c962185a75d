import { describe, expect, it } from 'vitest';
import { isoWeek, periodKeys } from '../../../backups/calendar.ts';
import { isTimeZone } from '../../../lib/time-zone.ts';

describe('ISO 8601 weeks at year boundaries', () => {
  // ISO 8601-1:2019 §5.2.4.1: week 1 is the week with the year's first Thursday.
  const cases = [
    { date: '2020-12-31', week: '2020-W53' },
    { date: '2021-01-03', week: '2020-W53' },
    { date: '2021-01-04', week: '2021-W01' },
    { date: '2024-12-30', week: '2025-W01' },
    { date: '2019-12-30', week: '2020-W01' },
    { date: '2016-01-03', week: '2015-W53' },
    { date: '2026-12-31', week: '2026-W53' },
    { date: '2027-01-01', week: '2026-W53' },
    { date: '2026-11-28', week: '2026-W48' },
  ] as const;

  it('covers every case in the table', () => {
    expect(cases).toHaveLength(9);
  });

  it.each(cases)('$date falls in $week', ({ date, week }) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const result = isoWeek({ year, month, day });
    expect(`${result.year}-W${String(result.week).padStart(2, '0')}`).toBe(week);
  });
});

describe('calendar periods in a time zone', () => {
  const cases = [
    {
      name: 'late evening UTC is already the next day in Tokyo',
      instant: '2026-03-10T15:30:00Z',
      timeZone: 'Asia/Tokyo',
      keys: { day: '2026-03-11', week: '2026-W11', month: '2026-03' },
    },
    {
      name: 'the last minute of a month in New York is still that month',
      instant: '2026-05-01T03:59:00Z',
      timeZone: 'America/New_York',
      keys: { day: '2026-04-30', week: '2026-W18', month: '2026-04' },
    },
    {
      name: 'the night the clocks go forward in Berlin starts on the same day',
      instant: '2026-03-28T23:30:00Z',
      timeZone: 'Europe/Berlin',
      keys: { day: '2026-03-29', week: '2026-W13', month: '2026-03' },
    },
    {
      name: 'the last minute of that short day is still the same day',
      instant: '2026-03-29T21:59:00Z',
      timeZone: 'Europe/Berlin',
      keys: { day: '2026-03-29', week: '2026-W13', month: '2026-03' },
    },
    {
      name: 'the next midnight after the switch is the next day',
      instant: '2026-03-29T22:00:00Z',
      timeZone: 'Europe/Berlin',
      keys: { day: '2026-03-30', week: '2026-W14', month: '2026-03' },
    },
    {
      name: 'the repeated hour when the clocks go back stays on its day',
      instant: '2026-10-25T00:30:00Z',
      timeZone: 'Europe/Berlin',
      keys: { day: '2026-10-25', week: '2026-W43', month: '2026-10' },
    },
    {
      name: 'the 25-hour day ends at 23:00 UTC after the switch back',
      instant: '2026-10-25T22:59:00Z',
      timeZone: 'Europe/Berlin',
      keys: { day: '2026-10-25', week: '2026-W43', month: '2026-10' },
    },
    {
      name: 'New Year in UTC+13:45 comes before New Year in UTC',
      instant: '2026-12-31T10:15:00Z',
      timeZone: 'Pacific/Chatham',
      keys: { day: '2027-01-01', week: '2026-W53', month: '2027-01' },
    },
  ] as const;

  it('covers every case in the table', () => {
    expect(cases).toHaveLength(8);
  });

  it.each(cases)('$name', ({ instant, timeZone, keys }) => {
    expect(periodKeys(Date.parse(instant), timeZone)).toEqual(keys);
  });

  it('knows IANA zones and rejects unknown ones', () => {
    expect([isTimeZone('Europe/Berlin'), isTimeZone('UTC'), isTimeZone('Mars/Olympus')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
