/** Text the `aidb backup` commands print: tables and the progress line. Pure. */
import {
  lastVerification,
  stateOf,
  type Manifest,
  type Verification,
} from '../../backups/manifest.ts';
import type { Progress } from '../../backups/progress.ts';
import type { Listing } from '../../backups/repository.ts';
import type { RetentionPlan } from '../../backups/retention.ts';

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** Left-aligned columns separated by two spaces, header first. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function verificationCell(manifest: Manifest, level: '1' | '2'): string {
  const v = lastVerification(manifest, level);
  if (v === undefined) return '-';
  return v.ok ? `ok ${v.at.slice(0, 10)}` : `FAILED (${v.reason ?? 'unknown'})`;
}

export function formatList({ manifests, missing }: Pick<Listing, 'manifests' | 'missing'>): string {
  const rows = manifests.map((m) => [
    m.id,
    m.target,
    m.startedAt.replace(/\.\d+Z$/, 'Z'),
    `${((Date.parse(m.finishedAt) - Date.parse(m.startedAt)) / 1000).toFixed(1)} s`,
    formatBytes(partBytes(m, 'plain')),
    formatBytes(partBytes(m, 'stored')),
    stateOf(m, missing.has(m.id)),
    verificationCell(m, '1'),
    verificationCell(m, '2'),
  ]);
  return formatTable(
    ['ID', 'TARGET', 'STARTED', 'DURATION', 'DUMP', 'STORED', 'STATE', 'LEVEL 1', 'LEVEL 2'],
    rows,
  );
}

export function formatPlan(plan: RetentionPlan): string {
  const rows = plan.decisions.map((d) => [d.id, d.target, d.action, d.reasons.join(', ')]);
  return formatTable(['ID', 'TARGET', 'ACTION', 'REASONS'], rows);
}

/** `backup dump  1.2 GiB  48.0 MiB/s` or, with a known total, `… 512.0 MiB / 1.0 GiB (50%) …`. */
export function formatProgress(progress: Progress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? formatBytes((progress.bytes / elapsedMs) * 1000) : '-';
  const total =
    progress.totalBytes === undefined || progress.totalBytes === 0
      ? ''
      : ` / ${formatBytes(progress.totalBytes)} (${Math.floor((progress.bytes / progress.totalBytes) * 100)}%)`;
  return `${progress.phase} ${progress.part}  ${formatBytes(progress.bytes)}${total}  ${rate}/s`;
}

/** Bytes of a backup before compression and encryption (`plain`) or as stored. */
export const partBytes = (manifest: Manifest, of: 'plain' | 'stored'): number =>
  manifest.parts.reduce((total, p) => total + p[of].bytes, 0);

/** `in 3.4 s (352.9 KiB/s)`: the time and rate of long work, for its end line. */
function timeRate(bytes: number, seconds: number): string {
  const rate = seconds > 0 ? `${formatBytes(bytes / seconds)}/s` : '-';
  return `in ${seconds.toFixed(1)} s (${rate})`;
}

/** `postgres-…: 1.2 MiB dumped, 300.0 KiB stored in 3.4 s (352.9 KiB/s), verified (level 1)`. */
export function formatRunSummary(manifest: Manifest): string {
  const seconds = (Date.parse(manifest.finishedAt) - Date.parse(manifest.startedAt)) / 1000;
  const plain = partBytes(manifest, 'plain');
  return `${manifest.id}: ${formatBytes(plain)} dumped, ${formatBytes(partBytes(manifest, 'stored'))} stored ${timeRate(plain, seconds)}, verified (level 1)`;
}

/** `postgres-…: level 1 verification passed: 300.0 KiB read in 0.2 s (1.5 MiB/s)`. */
export function formatVerifySummary(manifest: Manifest, verification: Verification): string {
  const stored = partBytes(manifest, 'stored');
  return `${manifest.id}: level ${verification.level} verification passed: ${formatBytes(stored)} read ${timeRate(stored, verification.durationSeconds)}`;
}
