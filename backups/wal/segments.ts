/**
 * WAL file names and the sequence they form (PostgreSQL's default 16 MiB segments): a segment
 * is `TTTTTTTTXXXXXXXXYYYYYYYY` (timeline, then the segment number as "log" and "seg" halves),
 * a timeline history file `TTTTTTTT.history`. Pure.
 */

/** Segments per 4 GiB "log" file with 16 MiB segments: the low half counts 0x00 … 0xFF. */
const segmentsPerLog = 0x100;
export const segmentBytes = 16 * 1024 * 1024;

const segmentPattern = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const historyPattern = /^([0-9A-F]{8})\.history$/;

export interface Segment {
  readonly name: string;
  readonly timeline: number;
  /** Position in the WAL sequence, independent of the timeline. */
  readonly number: number;
}

export function parseSegment(name: string): Segment | undefined {
  const match = segmentPattern.exec(name);
  if (match === null) return undefined;
  const [, tli, log, seg] = match as unknown as [string, string, string, string];
  const low = Number.parseInt(seg, 16);
  if (low >= segmentsPerLog) return undefined;
  return {
    name,
    timeline: Number.parseInt(tli, 16),
    number: Number.parseInt(log, 16) * segmentsPerLog + low,
  };
}

export function isHistoryFile(name: string): boolean {
  return historyPattern.test(name);
}

/** A name the archive accepts: a segment or a timeline history file, nothing else. */
export function isWalFileName(name: string): boolean {
  return parseSegment(name) !== undefined || isHistoryFile(name);
}

const hex8 = (value: number): string => value.toString(16).toUpperCase().padStart(8, '0');

export function segmentName(timeline: number, number: number): string {
  return `${hex8(timeline)}${hex8(Math.floor(number / segmentsPerLog))}${hex8(number % segmentsPerLog)}`;
}

/** `0/2000028` → the byte position. */
export function parseLsn(lsn: string): number {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (match === null) throw new Error(`not a WAL position: ${lsn}`);
  return Number.parseInt(match[1] ?? '', 16) * 2 ** 32 + Number.parseInt(match[2] ?? '', 16);
}

/** The segment holding the byte at `lsn` on `timeline`. */
export function segmentOfLsn(timeline: number, lsn: string): Segment {
  const number = Math.floor(parseLsn(lsn) / segmentBytes);
  return { name: segmentName(timeline, number), timeline, number };
}

export interface Gap {
  /** The first segment number missing, and the first one present after it. */
  readonly after: string;
  readonly missing: readonly string[];
}

/**
 * Holes in the segment sequence from `from` (inclusive) to the newest archived segment. A
 * timeline switch continues the sequence on the new timeline at the same number, so numbers are
 * compared whatever the timeline; the newest timeline's name is reported as missing.
 */
export function findGaps(names: Iterable<string>, from: number): readonly Gap[] {
  const present = new Map<number, Segment>();
  for (const name of names) {
    const segment = parseSegment(name);
    if (segment === undefined || segment.number < from) continue;
    const known = present.get(segment.number);
    if (known === undefined || known.timeline < segment.timeline)
      present.set(segment.number, segment);
  }
  const numbers = [...present.keys()].sort((a, b) => a - b);
  const gaps: Gap[] = [];
  let previous: Segment | undefined;
  for (const number of numbers) {
    const segment = present.get(number) as Segment;
    const start = previous === undefined ? from : previous.number + 1;
    if (number > start) {
      const missing: string[] = [];
      for (let n = start; n < number && missing.length < 100; n += 1)
        missing.push(segmentName(segment.timeline, n));
      gaps.push({ after: previous?.name ?? '(start)', missing });
    }
    previous = segment;
  }
  return gaps;
}
