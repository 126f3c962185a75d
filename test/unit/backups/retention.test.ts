import { describe, expect, it } from 'vitest';
import {
  planRetention,
  type RetentionCandidate,
  type RetentionPolicy,
} from '../../../backups/retention.ts';
import type { BackupState, BackupTarget } from '../../../catalog/labels.ts';

const day = 86_400_000;

function backup(
  id: string,
  startedAt: string,
  state: BackupState = 'verified',
  target: BackupTarget = 'postgres',
): RetentionCandidate {
  return { id, target, startedAt: Date.parse(startedAt), state };
}

function policy(overrides: Partial<RetentionPolicy> = {}): RetentionPolicy {
  return {
    daily: 7,
    weekly: 4,
    monthly: 12,
    timeZone: 'UTC',
    minVerified: 1,
    gracePeriodMs: 7 * day,
    maxDeletions: 100,
    ...overrides,
  };
}

/** One backup a day at 02:00 UTC, ids named by their date. */
function daily(from: string, to: string): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let t = Date.parse(`${from}T02:00:00Z`); t <= Date.parse(`${to}T02:00:00Z`); t += day) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push(backup(date, new Date(t).toISOString()));
  }
  return out;
}

/** The plan as `id: action reasons` lines, in the plan's own order. */
function lines(backups: readonly RetentionCandidate[], now: string, p: RetentionPolicy): string[] {
  return planRetention(backups, Date.parse(now), p).decisions.map(
    (d) => `${d.id}: ${d.action} ${d.reasons.join(',')}`,
  );
}

describe('retention decisions', () => {
  it('keeps the newest per day, ISO week and month, and deletes the rest as expired', () => {
    const result = lines(
      daily('2026-01-20', '2026-02-05'),
      '2026-02-05T12:00:00Z',
      policy({ daily: 3, weekly: 2, monthly: 2 }),
    );
    expect(result).toEqual([
      '2026-01-20: delete expired',
      '2026-01-21: delete expired',
      '2026-01-22: delete expired',
      '2026-01-23: delete expired',
      '2026-01-24: delete expired',
      '2026-01-25: delete expired',
      '2026-01-26: delete expired',
      '2026-01-27: delete expired',
      '2026-01-28: delete expired',
      '2026-01-29: delete expired',
      '2026-01-30: delete expired',
      '2026-01-31: keep monthly',
      '2026-02-01: keep weekly',
      '2026-02-02: delete expired',
      '2026-02-03: keep daily',
      '2026-02-04: keep daily',
      '2026-02-05: keep newest_verified,min_verified,daily,weekly,monthly',
    ]);
  });

  it('keeps exactly 7 daily, 4 weekly and 12 monthly by default, not 8 days', () => {
    const plan = planRetention(
      daily('2025-01-01', '2026-02-05'),
      Date.parse('2026-02-05T12:00:00Z'),
      policy({ maxDeletions: 1000 }),
    );
    const kept = plan.decisions.filter((d) => d.action === 'keep');
    const count = (reason: string): number =>
      kept.filter((d) => (d.reasons as readonly string[]).includes(reason)).length;
    expect([count('daily'), count('weekly'), count('monthly')]).toEqual([7, 4, 12]);
    expect(kept.map((d) => d.id)).toEqual([
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
      '2026-01-18',
      '2026-01-25',
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
      '2026-02-05',
    ]);
  });

  it('counts months that have backups, reaching further back over empty months', () => {
    const backups = [
      backup('jan', '2025-01-15T02:00:00Z'),
      backup('apr', '2025-04-15T02:00:00Z'),
      backup('jul', '2025-07-15T02:00:00Z'),
      backup('oct', '2025-10-15T02:00:00Z'),
    ];
    expect(
      lines(backups, '2025-10-20T00:00:00Z', policy({ daily: 0, weekly: 0, monthly: 3 })),
    ).toEqual([
      'jan: delete expired',
      'apr: keep monthly',
      'jul: keep monthly',
      'oct: keep newest_verified,min_verified,monthly',
    ]);
  });

  it('groups days by the configured time zone', () => {
    const backups = [
      backup('mar09-1530Z', '2026-03-09T15:30:00Z'),
      backup('mar10-1430Z', '2026-03-10T14:30:00Z'),
      backup('mar10-1530Z', '2026-03-10T15:30:00Z'),
    ];
    const base = { daily: 2, weekly: 0, monthly: 0 };
    expect(lines(backups, '2026-03-11T00:00:00Z', policy(base))).toEqual([
      'mar09-1530Z: keep daily',
      'mar10-1430Z: delete expired',
      'mar10-1530Z: keep newest_verified,min_verified,daily',
    ]);
    expect(
      lines(backups, '2026-03-11T00:00:00Z', policy({ ...base, timeZone: 'Asia/Tokyo' })),
    ).toEqual([
      'mar09-1530Z: delete expired',
      'mar10-1430Z: keep daily',
      'mar10-1530Z: keep newest_verified,min_verified,daily',
    ]);
  });

  it('counts the 25-hour day of a DST change as one day', () => {
    const backups = [
      backup('oct24-2130Z', '2026-10-24T21:30:00Z'),
      backup('oct25-0030Z', '2026-10-25T00:30:00Z'),
      backup('oct25-2230Z', '2026-10-25T22:30:00Z'),
    ];
    const p = policy({ daily: 2, weekly: 0, monthly: 0, timeZone: 'Europe/Berlin' });
    expect(lines(backups, '2026-10-26T12:00:00Z', p)).toEqual([
      'oct24-2130Z: keep daily',
      'oct25-0030Z: delete expired',
      'oct25-2230Z: keep newest_verified,min_verified,daily',
    ]);
  });

  it('keeps unverified and failed backups for the grace period, then deletes them', () => {
    const backups = [
      backup('old-failed', '2026-01-01T02:00:00Z', 'failed'),
      backup('old-unverified', '2026-01-02T02:00:00Z', 'unverified'),
      backup('good', '2026-01-05T02:00:00Z'),
      backup('new-failed', '2026-01-09T02:00:00Z', 'failed'),
      backup('new-unverified', '2026-01-10T02:00:00Z', 'unverified'),
    ];
    expect(lines(backups, '2026-01-10T12:00:00Z', policy())).toEqual([
      'old-failed: delete failed_expired',
      'old-unverified: delete unverified_expired',
      'good: keep newest_verified,min_verified,daily,weekly,monthly',
      'new-failed: keep grace_period',
      'new-unverified: keep grace_period',
    ]);
  });

  it('keeps the newest verified backups beyond the calendar when min verified asks for them', () => {
    const backups = daily('2026-01-01', '2026-01-04');
    expect(
      lines(
        backups,
        '2026-01-04T12:00:00Z',
        policy({ daily: 1, weekly: 0, monthly: 0, minVerified: 3 }),
      ),
    ).toEqual([
      '2026-01-01: delete expired',
      '2026-01-02: keep min_verified',
      '2026-01-03: keep min_verified',
      '2026-01-04: keep newest_verified,min_verified,daily',
    ]);
  });

  it('deletes nothing anywhere when a backup is from the future', () => {
    const backups = [
      ...daily('2026-01-01', '2026-01-03'),
      backup('qdrant-future', '2026-01-09T00:00:00Z', 'verified', 'qdrant'),
    ];
    const plan = planRetention(
      backups,
      Date.parse('2026-01-05T00:00:00Z'),
      policy({ daily: 1, weekly: 0, monthly: 0 }),
    );
    expect(plan.decisions.map((d) => `${d.id}: ${d.action} ${d.reasons.join(',')}`)).toEqual([
      '2026-01-01: keep clock_skew',
      '2026-01-02: keep clock_skew',
      '2026-01-03: keep clock_skew',
      'qdrant-future: keep clock_skew',
    ]);
    expect(plan.blocked).toEqual([
      { target: 'postgres', reason: 'clock_skew' },
      { target: 'qdrant', reason: 'clock_skew' },
    ]);
  });

  it('deletes nothing of a target that has no verified backup', () => {
    const backups = [
      backup('a', '2025-01-01T00:00:00Z', 'failed'),
      backup('b', '2025-02-01T00:00:00Z', 'unverified'),
    ];
    const plan = planRetention(backups, Date.parse('2026-01-01T00:00:00Z'), policy());
    expect(plan.decisions.map((d) => `${d.id}: ${d.action} ${d.reasons.join(',')}`)).toEqual([
      'a: keep no_verified_backup',
      'b: keep no_verified_backup',
    ]);
    expect(plan.blocked).toEqual([{ target: 'postgres', reason: 'no_verified_backup' }]);
  });

  it('deletes at most the maximum per run, oldest first, and says so', () => {
    const plan = planRetention(
      daily('2026-01-01', '2026-01-05'),
      Date.parse('2026-01-05T12:00:00Z'),
      policy({ daily: 1, weekly: 0, monthly: 0, maxDeletions: 2 }),
    );
    expect(plan.decisions.map((d) => `${d.id}: ${d.action} ${d.reasons.join(',')}`)).toEqual([
      '2026-01-01: delete expired',
      '2026-01-02: delete expired',
      '2026-01-03: keep max_deletions',
      '2026-01-04: keep max_deletions',
      '2026-01-05: keep newest_verified,min_verified,daily',
    ]);
    expect(plan.blocked).toEqual([{ target: 'postgres', reason: 'max_deletions' }]);
  });

  it('plans each target on its own, targets in name order', () => {
    const backups = [
      backup('q1', '2026-01-01T02:00:00Z', 'verified', 'qdrant'),
      backup('q2', '2026-01-02T02:00:00Z', 'verified', 'qdrant'),
      backup('p1', '2026-01-01T03:00:00Z'),
    ];
    expect(
      lines(backups, '2026-01-03T00:00:00Z', policy({ daily: 1, weekly: 0, monthly: 0 })),
    ).toEqual([
      'p1: keep newest_verified,min_verified,daily',
      'q1: delete expired',
      'q2: keep newest_verified,min_verified,daily',
    ]);
  });
});
