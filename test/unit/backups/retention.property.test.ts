import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodKeys, type PeriodKeys } from '../../../backups/calendar.ts';
import {
  planRetention,
  type RetentionCandidate,
  type RetentionPlan,
  type RetentionPolicy,
} from '../../../backups/retention.ts';
import { backupStates, backupTargets, type BackupTarget } from '../../../catalog/labels.ts';

const day = 86_400_000;
const now = Date.parse('2026-06-15T12:00:00Z');
// Zones with DST, odd offsets (+05:45, +13:45, half-hour DST) and the date line.
const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Australia/Lord_Howe',
  'America/St_Johns',
] as const;

const policyArb: fc.Arbitrary<RetentionPolicy> = fc.record({
  daily: fc.integer({ min: 0, max: 10 }),
  weekly: fc.integer({ min: 0, max: 6 }),
  monthly: fc.integer({ min: 0, max: 14 }),
  timeZone: fc.constantFrom(...zones),
  minVerified: fc.integer({ min: 1, max: 5 }),
  gracePeriodMs: fc.integer({ min: 0, max: 20 * day }),
  maxDeletions: fc.integer({ min: 0, max: 60 }),
});

/** Backups over the last ~2 years; sometimes one slightly in the future (a skewed clock). */
const backupsArb = (future: boolean): fc.Arbitrary<RetentionCandidate[]> =>
  fc
    .array(
      fc.record({
        target: fc.constantFrom(...backupTargets),
        startedAt: fc.integer({ min: now - 800 * day, max: future ? now + 3 * day : now }),
        state: fc.constantFrom(...backupStates, 'verified', 'verified'),
      }),
      { maxLength: 120 },
    )
    .map((list) => list.map((b, i) => ({ ...b, id: `b${String(i).padStart(3, '0')}` })));

const inputArb = fc.tuple(backupsArb(true), policyArb);

function deleted(plan: RetentionPlan): Set<string> {
  return new Set(plan.decisions.filter((d) => d.action === 'delete').map((d) => d.id));
}

function byTarget(backups: readonly RetentionCandidate[]): Map<BackupTarget, RetentionCandidate[]> {
  const map = new Map<BackupTarget, RetentionCandidate[]>();
  for (const b of [...backups].sort(
    (x, y) => y.startedAt - x.startedAt || (x.id < y.id ? 1 : -1),
  )) {
    map.set(b.target, [...(map.get(b.target) ?? []), b]);
  }
  return map;
}

const runs = { numRuns: 300 };

describe('retention invariants (fast-check)', () => {
  it('decides exactly once for every backup', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const ids = planRetention(backups, now, policy).decisions.map((d) => d.id);
        expect([...ids].sort()).toEqual(backups.map((b) => b.id).sort());
      }),
      runs,
    );
  });

  it('never deletes the newest verified backup of a target', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const gone = deleted(planRetention(backups, now, policy));
        for (const list of byTarget(backups).values()) {
          const newest = list.find((b) => b.state === 'verified');
          if (newest !== undefined) expect(gone.has(newest.id)).toBe(false);
        }
      }),
      runs,
    );
  });

  it('keeps at least the configured number of verified backups per target', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const gone = deleted(planRetention(backups, now, policy));
        for (const list of byTarget(backups).values()) {
          const verified = list.filter((b) => b.state === 'verified');
          const kept = verified.filter((b) => !gone.has(b.id));
          expect(kept.length).toBeGreaterThanOrEqual(Math.min(policy.minVerified, verified.length));
        }
      }),
      runs,
    );
  });

  it('keeps unverified and failed backups younger than the grace period', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const gone = deleted(planRetention(backups, now, policy));
        for (const b of backups) {
          if (b.state !== 'verified' && now - b.startedAt < policy.gracePeriodMs) {
            expect(gone.has(b.id)).toBe(false);
          }
        }
      }),
      runs,
    );
  });

  it('deletes nothing at all when any backup is newer than the clock', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        fc.pre(backups.some((b) => b.startedAt > now));
        const plan = planRetention(backups, now, policy);
        expect(deleted(plan).size).toBe(0);
        expect(plan.blocked.map((b) => b.target)).toEqual([...byTarget(backups).keys()].sort());
      }),
      runs,
    );
  });

  it('deletes nothing of a target without a verified backup', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const gone = deleted(planRetention(backups, now, policy));
        for (const list of byTarget(backups).values()) {
          if (!list.some((b) => b.state === 'verified')) {
            expect(list.filter((b) => gone.has(b.id))).toEqual([]);
          }
        }
      }),
      runs,
    );
  });

  it('deletes no more than the maximum per run, and the oldest first', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const plan = planRetention(backups, now, policy);
        const gone = deleted(plan);
        expect(gone.size).toBeLessThanOrEqual(policy.maxDeletions);
        const deferred = plan.decisions.filter(
          (d) => d.action === 'keep' && d.reasons.includes('max_deletions'),
        );
        const time = new Map(backups.map((b) => [b.id, b.startedAt]));
        const newestDeleted = Math.max(...[...gone].map((id) => time.get(id) ?? 0));
        for (const d of deferred) expect(time.get(d.id)).toBeGreaterThanOrEqual(newestDeleted);
      }),
      runs,
    );
  });

  it('keeps the newest verified backup of each of the last N days, weeks and months', () => {
    fc.assert(
      fc.property(backupsArb(false), policyArb, (backups, policy) => {
        const plan = planRetention(backups, now, policy);
        const gone = deleted(plan);
        for (const list of byTarget(backups).values()) {
          const verified = list.filter((b) => b.state === 'verified');
          const buckets: [number, keyof PeriodKeys][] = [
            [policy.daily, 'day'],
            [policy.weekly, 'week'],
            [policy.monthly, 'month'],
          ];
          for (const [count, period] of buckets) {
            const newestOf = new Map<string, string>();
            for (const b of verified) {
              const key = periodKeys(b.startedAt, policy.timeZone)[period];
              if (!newestOf.has(key)) newestOf.set(key, b.id);
            }
            for (const id of [...newestOf.values()].slice(0, count)) {
              expect(gone.has(id)).toBe(false);
            }
          }
        }
      }),
      runs,
    );
  });

  it('gives no bucket more backups than the policy allows', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const plan = planRetention(backups, now, policy);
        for (const target of backupTargets) {
          const mine = plan.decisions.filter((d) => d.target === target);
          const count = (reason: 'daily' | 'weekly' | 'monthly'): number =>
            mine.filter((d) => d.action === 'keep' && d.reasons.includes(reason)).length;
          expect(count('daily')).toBeLessThanOrEqual(policy.daily);
          expect(count('weekly')).toBeLessThanOrEqual(policy.weekly);
          expect(count('monthly')).toBeLessThanOrEqual(policy.monthly);
        }
      }),
      runs,
    );
  });

  it('gives every decision its reasons, and each deletion the rule that expired it', () => {
    fc.assert(
      fc.property(backupsArb(false), policyArb, (backups, policy) => {
        const plan = planRetention(backups, now, policy);
        for (const d of plan.decisions) {
          if (d.action === 'keep') expect(d.reasons.length).toBeGreaterThan(0);
        }
        const state = new Map(backups.map((b) => [b.id, b.state]));
        for (const d of plan.decisions) {
          if (d.action !== 'delete') continue;
          const expected = {
            verified: 'expired',
            unverified: 'unverified_expired',
            failed: 'failed_expired',
            missing: 'missing_expired',
          };
          expect(d.reasons).toEqual([expected[state.get(d.id) ?? 'verified']]);
        }
      }),
      runs,
    );
  });

  it('is deterministic and never changes its input', () => {
    fc.assert(
      fc.property(inputArb, ([backups, policy]) => {
        const copy = structuredClone(backups);
        const first = planRetention(backups, now, policy);
        expect(backups).toEqual(copy);
        expect(planRetention([...backups].reverse(), now, policy)).toEqual(first);
      }),
      runs,
    );
  });
});
