/**
 * A copy's retention as a pure function. A copy deletes a backup only when the primary no longer
 * holds it AND the copy's own policy (at least the primary's, checked at config load) would drop
 * it, so a copy never holds less than the primary; WAL goes when no base the copy keeps needs it
 * and the primary has deleted it too. The primary's safety rules apply (retention.ts: newest
 * verified kept, nothing on clock skew, at most `maxDeletions` a run) plus one of its own: an
 * empty primary (lost, unmounted) makes a copy delete nothing, as that is when it matters most.
 */
import type { Manifest } from '../manifest.ts';
import { stateOf } from '../manifest.ts';
import { planRetention, type RetentionPolicy } from '../retention.ts';
import { walToDelete } from '../wal/retention.ts';

export interface CopyContents {
  /** The copy's backups, each with whether a data file is missing from the copy. */
  readonly backups: readonly { readonly manifest: Manifest; readonly missing: boolean }[];
  /** WAL file names listed in the copy (`wal/<name>.json`). */
  readonly wal: readonly string[];
}

export interface CopyPrunePlan {
  /** Oldest first. */
  readonly backups: readonly Manifest[];
  readonly wal: readonly string[];
  /** Why deletions were held back (`clock_skew`, `max_deletions`, `primary_empty`, …). */
  readonly blocked: readonly string[];
}

export const manifestKey = (id: string): string => `${id}.manifest.json`;
export const walEntryKey = (name: string): string => `wal/${name}.json`;

export function planCopyPrune(
  copy: CopyContents,
  /** Every key the primary repository holds, in the copy's key space. */
  primary: ReadonlySet<string>,
  now: number,
  policy: RetentionPolicy,
): CopyPrunePlan {
  if (![...primary].some((key) => key.endsWith('.manifest.json')))
    return { backups: [], wal: [], blocked: ['primary_empty'] };
  const byId = new Map(copy.backups.map((b) => [b.manifest.id, b.manifest]));
  // The cap applies to what is really deleted, after the primary's holdings are taken out.
  const plan = planRetention(
    copy.backups.map(({ manifest, missing }) => ({
      id: manifest.id,
      target: manifest.target,
      startedAt: Date.parse(manifest.startedAt),
      state: stateOf(manifest, missing),
    })),
    now,
    { ...policy, maxDeletions: Number.POSITIVE_INFINITY },
  );
  const blocked = [...new Set(plan.blocked.map((b) => b.reason))];
  if (blocked.includes('clock_skew')) return { backups: [], wal: [], blocked };
  const doomed = plan.decisions
    .filter((d) => d.action === 'delete' && !primary.has(manifestKey(d.id)))
    .map((d) => byId.get(d.id))
    .filter((m): m is Manifest => m !== undefined)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  const deleted = doomed.slice(0, policy.maxDeletions);
  if (deleted.length < doomed.length) blocked.push('max_deletions');
  const gone = new Set(deleted.map((m) => m.id));
  const kept = copy.backups
    .map((b) => b.manifest)
    .filter((m) => m.wal !== undefined && !gone.has(m.id));
  const wal = walToDelete(copy.wal, kept).filter((name) => !primary.has(walEntryKey(name)));
  return { backups: deleted, wal, blocked };
}
