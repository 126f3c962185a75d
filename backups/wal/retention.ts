/**
 * WAL retention follows the base backups: kept exactly back to the oldest kept base's stop
 * segment (the base's tar holds the WAL before it), so no kept base lacks the WAL to move it
 * forward, and no WAL stays that no kept base can use. Without any base, nothing is deleted:
 * there is nothing to measure "needed" against. History files are kept (a few bytes each). Pure.
 */
import type { Manifest } from '../manifest.ts';
import { parseSegment } from './segments.ts';

export function walToDelete(names: readonly string[], keptBases: readonly Manifest[]): string[] {
  const starts = keptBases
    .map((m) => (m.wal === undefined ? undefined : parseSegment(m.wal.stopSegment)?.number))
    .filter((n): n is number => n !== undefined);
  if (starts.length === 0) return [];
  const oldest = Math.min(...starts);
  return names.filter((name) => {
    const segment = parseSegment(name);
    return segment !== undefined && segment.number < oldest;
  });
}
