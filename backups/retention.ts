/**
 * Grandfather-father-son retention as a pure function: (backups, now, policy) → what to keep and
 * what to delete, each with its reasons. Safety rules come before the calendar: the newest
 * verified backup and the `minVerified` newest verified ones always stay, unverified and failed
 * backups stay for a grace period (forensics), and nothing at all is deleted when the clock looks
 * wrong, when a target has no verified backup, or beyond `maxDeletions` per run.
 */
import type { BackupState, BackupTarget, PruneBlockReason } from '../catalog/labels.ts';
import { periodKeys, type PeriodKeys } from './calendar.ts';

export interface RetentionPolicy {
  /** Newest verified backup of each of the last `daily` calendar days that have one. */
  readonly daily: number;
  /** … of each of the last `weekly` ISO weeks that have one. */
  readonly weekly: number;
  /** … of each of the last `monthly` calendar months that have one. */
  readonly monthly: number;
  /** IANA zone whose calendar defines days, weeks and months. */
  readonly timeZone: string;
  /** Verified backups per target that stay whatever the calendar says. */
  readonly minVerified: number;
  /** How long unverified and failed backups stay, for forensics. */
  readonly gracePeriodMs: number;
  /** Most deletions in one run, over all targets; the oldest go first. */
  readonly maxDeletions: number;
}

export interface RetentionCandidate {
  readonly id: string;
  readonly target: BackupTarget;
  /** Start of the backup, epoch milliseconds. */
  readonly startedAt: number;
  readonly state: BackupState;
}

export const keepReasons = [
  'newest_verified',
  'min_verified',
  'daily',
  'weekly',
  'monthly',
  'grace_period',
  'clock_skew',
  'no_verified_backup',
  'max_deletions',
] as const;
export type KeepReason = (typeof keepReasons)[number];

export const deleteReasons = [
  'expired',
  'unverified_expired',
  'failed_expired',
  'missing_expired',
] as const;
export type DeleteReason = (typeof deleteReasons)[number];

export type RetentionDecision =
  | {
      readonly id: string;
      readonly target: BackupTarget;
      readonly action: 'keep';
      readonly reasons: readonly KeepReason[];
    }
  | {
      readonly id: string;
      readonly target: BackupTarget;
      readonly action: 'delete';
      readonly reasons: readonly [DeleteReason];
    };

export interface RetentionPlan {
  /** One decision per backup, by target then oldest first: the order deletions happen in. */
  readonly decisions: readonly RetentionDecision[];
  /** Safety rules that held deletions back, one entry per target and rule. */
  readonly blocked: readonly { readonly target: BackupTarget; readonly reason: PruneBlockReason }[];
}

type Draft =
  { action: 'keep'; reasons: KeepReason[] } | { action: 'delete'; reasons: [DeleteReason] };

const newestFirst = (a: RetentionCandidate, b: RetentionCandidate): number =>
  b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const gfsBuckets = [
  ['daily', 'day'],
  ['weekly', 'week'],
  ['monthly', 'month'],
] as const satisfies readonly (readonly [KeepReason & keyof RetentionPolicy, keyof PeriodKeys])[];

/** Decisions for one target's backups, sorted newest first, before the per-run cap. */
function planTarget(
  backups: readonly RetentionCandidate[],
  now: number,
  policy: RetentionPolicy,
): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  const keep = (id: string, reason: KeepReason): void => {
    const draft = drafts.get(id);
    if (draft?.action === 'keep') draft.reasons.push(reason);
    else drafts.set(id, { action: 'keep', reasons: [reason] });
  };
  const verified = backups.filter((b) => b.state === 'verified');
  verified.forEach((backup, index) => {
    if (index === 0) keep(backup.id, 'newest_verified');
    if (index < policy.minVerified) keep(backup.id, 'min_verified');
  });
  for (const [reason, period] of gfsBuckets) {
    let last: string | undefined;
    let kept = 0;
    for (const backup of verified) {
      if (kept >= policy[reason]) break;
      const key = periodKeys(backup.startedAt, policy.timeZone)[period];
      if (key === last) continue;
      keep(backup.id, reason);
      last = key;
      kept += 1;
    }
  }
  for (const backup of backups) {
    if (drafts.has(backup.id)) continue;
    if (backup.state === 'verified') {
      drafts.set(backup.id, { action: 'delete', reasons: ['expired'] });
    } else if (now - backup.startedAt < policy.gracePeriodMs) {
      keep(backup.id, 'grace_period');
    } else {
      const reason =
        backup.state === 'failed'
          ? 'failed_expired'
          : backup.state === 'missing'
            ? 'missing_expired'
            : 'unverified_expired';
      drafts.set(backup.id, { action: 'delete', reasons: [reason] });
    }
  }
  return drafts;
}

export function planRetention(
  backups: readonly RetentionCandidate[],
  now: number,
  policy: RetentionPolicy,
): RetentionPlan {
  const byTarget = new Map<BackupTarget, RetentionCandidate[]>();
  for (const backup of [...backups].sort(newestFirst)) {
    const list = byTarget.get(backup.target) ?? [];
    list.push(backup);
    byTarget.set(backup.target, list);
  }
  const targets = [...byTarget.keys()].sort();
  const blocked: { target: BackupTarget; reason: PruneBlockReason }[] = [];
  const drafts = new Map<string, Draft>();
  // A backup from the future means this clock (or the one that wrote it) is wrong, and every age
  // computed from it is too: delete nothing anywhere.
  const skewed = backups.some((b) => b.startedAt > now);
  for (const target of targets) {
    const list = byTarget.get(target) ?? [];
    let rule: PruneBlockReason | undefined;
    if (skewed) rule = 'clock_skew';
    else if (!list.some((b) => b.state === 'verified')) rule = 'no_verified_backup';
    if (rule !== undefined) {
      blocked.push({ target, reason: rule });
      for (const backup of list) drafts.set(backup.id, { action: 'keep', reasons: [rule] });
      continue;
    }
    for (const [id, draft] of planTarget(list, now, policy)) drafts.set(id, draft);
  }

  const oldestFirst = [...backups].sort(newestFirst).reverse();
  let deletions = 0;
  const capped = new Set<BackupTarget>();
  for (const backup of oldestFirst) {
    const draft = drafts.get(backup.id);
    if (draft?.action !== 'delete') continue;
    if (deletions < policy.maxDeletions) {
      deletions += 1;
    } else {
      drafts.set(backup.id, { action: 'keep', reasons: ['max_deletions'] });
      capped.add(backup.target);
    }
  }
  for (const target of targets)
    if (capped.has(target)) blocked.push({ target, reason: 'max_deletions' });

  const decisions = targets.flatMap((target) =>
    (byTarget.get(target) ?? [])
      .slice()
      .reverse()
      .map((backup): RetentionDecision => {
        const draft = drafts.get(backup.id) ?? { action: 'keep', reasons: [] };
        return draft.action === 'keep'
          ? { id: backup.id, target, action: 'keep', reasons: draft.reasons }
          : { id: backup.id, target, action: 'delete', reasons: draft.reasons };
      }),
  );
  return { decisions, blocked };
}
