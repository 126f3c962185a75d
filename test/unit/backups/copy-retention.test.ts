import { describe, expect, it } from 'vitest';
import { copyPolicies } from '../../../backups/copies/copier.ts';
import { retentionPolicy } from '../../../backups/from-config.ts';
import { loadConfig } from '../../../config/load.ts';
import { planCopyPrune, type CopyContents } from '../../../backups/copies/retention.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import type { RetentionPolicy } from '../../../backups/retention.ts';
import { baseManifest } from '../../support/base-manifest.ts';
import { segmentName } from '../../../backups/wal/segments.ts';

const digest = { bytes: 1, sha256: 'a'.repeat(64) };
const day = 86_400_000;
const now = Date.parse('2026-12-10T12:00:00Z');

/** A verified base backup started `daysAgo` days before `now`, needing WAL from `stopSegment`. */
const base = (daysAgo: number, stopSegment: number, ok = true): Manifest =>
  baseManifest({
    startedAt: new Date(now - daysAgo * day).toISOString(),
    stopSegment,
    stored: digest,
    ok,
  });

/** The copy's policy: the newest verified of each of the last `daily` days, nothing else. */
const policy = (daily: number, maxDeletions = 10): RetentionPolicy => ({
  daily,
  weekly: 0,
  monthly: 0,
  timeZone: 'UTC',
  minVerified: 1,
  gracePeriodMs: 7 * day,
  maxDeletions,
});

const bases = [base(4, 2), base(3, 10), base(2, 20), base(1, 30)];
const walNames = Array.from({ length: 35 }, (_, i) => segmentName(1, i + 1));
const copy: CopyContents = {
  backups: bases.map((manifest) => ({ manifest, missing: false })),
  wal: walNames,
};
/** What a primary holds: the listing keys of these backups and WAL files. */
const holding = (manifests: readonly Manifest[], wal: readonly string[]): Set<string> =>
  new Set([
    ...manifests.map((m) => `${m.id}.manifest.json`),
    ...wal.map((name) => `wal/${name}.json`),
  ]);
const ids = (manifests: readonly Manifest[]): string[] => manifests.map((m) => m.id);

describe('copy retention: deletes only what the primary no longer holds and its own policy drops', () => {
  it('keeps everything the primary still holds, even what its own policy would drop', () => {
    const plan = planCopyPrune(copy, holding(bases, walNames), now, policy(1));
    expect(plan).toEqual({ backups: [], wal: [], blocked: [] });
  });

  it('deletes a backup the primary deleted and the copy policy drops, and the WAL only it needed', () => {
    // The primary kept the newest two days (and their WAL); the copy keeps three days.
    const primary = holding(bases.slice(2), walNames.slice(19));
    const plan = planCopyPrune(copy, primary, now, policy(3));
    expect(ids(plan.backups)).toEqual([bases[0]?.id]);
    // Kept bases need WAL from segment 10 (the oldest kept base's stop segment) on.
    expect(plan.wal).toEqual(walNames.slice(0, 9));
    expect(plan.blocked).toEqual([]);
  });

  it('keeps a backup the primary deleted when the copy policy keeps it, and the WAL it needs', () => {
    const primary = holding(bases.slice(3), walNames.slice(29));
    const plan = planCopyPrune(copy, primary, now, policy(4));
    expect(plan.backups).toEqual([]);
    expect(plan.wal).toEqual(walNames.slice(0, 1));
  });

  it('never deletes WAL the primary still holds', () => {
    const primary = holding(bases.slice(2), walNames);
    const plan = planCopyPrune(copy, primary, now, policy(3));
    expect(ids(plan.backups)).toEqual([bases[0]?.id]);
    expect(plan.wal).toEqual([]);
  });

  it('keeps the newest verified backup whatever the policy says', () => {
    const failedNewest = [...bases.slice(0, 3), base(1, 30, false)];
    const plan = planCopyPrune(
      { backups: failedNewest.map((manifest) => ({ manifest, missing: false })), wal: [] },
      holding([base(0, 40)], []),
      now,
      { ...policy(0), minVerified: 1 },
    );
    // The failed one is in its grace period; of the verified ones, the newest stays.
    expect(ids(plan.backups)).toEqual(ids(bases.slice(0, 2)));
  });

  it('deletes at most maxDeletions a run, the oldest first, and says so', () => {
    const plan = planCopyPrune(copy, holding([base(0, 40)], []), now, policy(1, 2));
    expect(ids(plan.backups)).toEqual(ids(bases.slice(0, 2)));
    expect(plan.blocked).toEqual(['max_deletions']);
    // WAL goes only back to what the bases still there (two of them not deleted yet) need.
    expect(plan.wal).toEqual(walNames.slice(0, 19));
  });

  it('deletes nothing when a backup is dated in the future (clock skew)', () => {
    const skewed = [...bases, base(-1, 40)];
    const plan = planCopyPrune(
      { backups: skewed.map((manifest) => ({ manifest, missing: false })), wal: walNames },
      holding([base(0, 40)], []),
      now,
      policy(1),
    );
    expect(plan).toEqual({ backups: [], wal: [], blocked: ['clock_skew'] });
  });

  it('deletes nothing when the primary holds no backup at all (lost or not mounted)', () => {
    const plan = planCopyPrune(copy, holding([], walNames.slice(30)), now, policy(1));
    expect(plan).toEqual({ backups: [], wal: [], blocked: ['primary_empty'] });
  });
});

describe('a copy’s policy from the configuration', () => {
  const load = (copy: Record<string, unknown>) =>
    loadConfig({
      env: { AIDB_BACKUP_KEEP_DAILY: '5' },
      readFile: () => JSON.stringify({ backups: { copies: [copy] } }),
      configPath: '/c.json',
    }).config;

  it('takes each keep left out from the primary, and has none without retention', () => {
    const config = load({ kind: 'path', name: 'volume', path: '/mnt', retention: { monthly: 36 } });
    expect(copyPolicies(config).get('volume')).toEqual({
      ...retentionPolicy(config),
      daily: 5,
      monthly: 36,
    });
    expect(copyPolicies(load({ kind: 'path', name: 'volume', path: '/mnt' })).size).toBe(0);
  });

  it('converts the grace period from days', () => {
    const config = load({
      kind: 'path',
      name: 'v',
      path: '/mnt',
      retention: { gracePeriodDays: 30 },
    });
    expect(copyPolicies(config).get('v')?.gracePeriodMs).toBe(30 * day);
  });
});
