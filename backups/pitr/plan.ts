/**
 * What a point-in-time restore needs, decided from the repository's listing: the base to start
 * from, the WAL that must be in the archive, and the recovery settings. Pure.
 */
import type { Manifest } from '../manifest.ts';
import { findGaps, parseSegment, type Gap } from '../wal/segments.ts';
import type { WalEntry } from '../wal/archive.ts';

export type RecoveryTarget =
  { readonly kind: 'latest' } | { readonly kind: 'time'; readonly at: Date };

/** `latest`, or an RFC 3339 time with a zone (`2026-12-06T18:30:00Z`, `…+01:00`). */
export function parseRecoveryTarget(text: string): RecoveryTarget | undefined {
  if (text === 'latest') return { kind: 'latest' };
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : { kind: 'time', at };
}

export interface RestorePlan {
  readonly base: Manifest;
  /** The newest archived segment after the base, and when it was archived. */
  readonly newestSegment: string | undefined;
  readonly newestArchivedAt: string | undefined;
  readonly gaps: readonly Gap[];
}

export type PlanResult =
  | { readonly ok: true; readonly plan: RestorePlan }
  | { readonly ok: false; readonly problem: string };

/**
 * The newest usable base finished before the target, and the WAL after it. Refuses a target
 * later than the newest archived WAL (PostgreSQL would stop with "recovery ended before the
 * configured recovery target was reached") and a hole in the WAL after the base.
 */
export function planRestore(
  bases: readonly Manifest[],
  unusable: ReadonlySet<string>,
  wal: readonly WalEntry[],
  target: RecoveryTarget,
): PlanResult {
  const candidates = bases
    .filter((m) => m.wal !== undefined && !unusable.has(m.id))
    .filter((m) => target.kind === 'latest' || Date.parse(m.finishedAt) <= target.at.getTime())
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  const base = candidates.at(-1);
  if (base?.wal === undefined) {
    return {
      ok: false,
      problem:
        target.kind === 'latest'
          ? 'no usable base backup in the repository'
          : `no usable base backup finished before ${target.at.toISOString()}`,
    };
  }
  const from = parseSegment(base.wal.stopSegment)?.number ?? 0;
  const segments = wal.filter((e) => parseSegment(e.name) !== undefined);
  const after = segments.filter((e) => (parseSegment(e.name)?.number ?? -1) >= from);
  const newest = after.sort((a, b) => a.archivedAt.localeCompare(b.archivedAt)).at(-1);
  // The stop segment too: the base's copy of it ends at the backup's end point.
  const gaps = findGaps(
    after.map((e) => e.name),
    from,
  );
  if (gaps.length > 0) {
    const first = gaps[0] as Gap;
    return {
      ok: false,
      problem: `the WAL archive has a gap after ${base.id}: ${first.missing.slice(0, 3).join(', ')}${first.missing.length > 3 ? ' …' : ''} missing`,
    };
  }
  if (
    target.kind === 'time' &&
    (newest === undefined || Date.parse(newest.archivedAt) < target.at.getTime())
  ) {
    return {
      ok: false,
      problem: `the newest archived WAL ${newest === undefined ? '(none after the base)' : `was archived at ${newest.archivedAt}`}, before the target ${target.at.toISOString()}; wait for archiving or use --to-time latest`,
    };
  }
  return {
    ok: true,
    plan: {
      base,
      newestSegment: newest?.name,
      newestArchivedAt: newest?.archivedAt,
      gaps,
    },
  };
}

/** A single-quoted shell word. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A value in postgresql.conf syntax. */
function confString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Lines appended to postgresql.auto.conf of the restored directory. */
export function recoverySettings(restoreCommand: string, target: RecoveryTarget): string {
  const lines = [
    '# Written by `aidb backup restore --to-time`: replay the WAL archive, then promote.',
    `restore_command = ${confString(restoreCommand)}`,
    "recovery_target_timeline = 'latest'",
  ];
  if (target.kind === 'time') {
    lines.push(
      // PostgreSQL's own notation: it rejects RFC 3339's `T` and `Z` here.
      `recovery_target_time = ${confString(target.at.toISOString().replace('T', ' ').replace('Z', '+00'))}`,
      // Transactions committed exactly at the target are not "before" it.
      'recovery_target_inclusive = off',
      "recovery_target_action = 'promote'",
    );
  }
  return `${lines.join('\n')}\n`;
}
