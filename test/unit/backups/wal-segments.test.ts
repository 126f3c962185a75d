import { describe, expect, it } from 'vitest';
import {
  findGaps,
  isWalFileName,
  parseLsn,
  parseSegment,
  segmentName,
  segmentOfLsn,
} from '../../../backups/wal/segments.ts';
import { parseWalRange } from '../../../backups/postgres/basebackup.ts';

describe('WAL segment names', () => {
  it('parses the timeline and the position across the 4 GiB boundary', () => {
    expect(parseSegment('0000000100000000000000FF')).toMatchObject({ timeline: 1, number: 255 });
    expect(parseSegment('000000010000000100000000')).toMatchObject({ timeline: 1, number: 256 });
    expect(segmentName(2, 256)).toBe('000000020000000100000000');
  });

  it('accepts segments and history files only', () => {
    expect(isWalFileName('00000002.history')).toBe(true);
    expect(isWalFileName('000000010000000000000003.partial')).toBe(false);
    expect(isWalFileName('000000010000000000000100')).toBe(false);
    expect(isWalFileName('../../etc/passwd')).toBe(false);
  });

  it('maps a WAL position to its segment', () => {
    expect(parseLsn('1/2000028')).toBe(2 ** 32 + 0x2000028);
    expect(segmentOfLsn(1, '0/2000028').name).toBe('000000010000000000000002');
    expect(segmentOfLsn(3, '1/FF000000').name).toBe('0000000300000001000000FF');
  });
});

describe('WAL gap detection (level 1)', () => {
  const names = (numbers: number[], timeline = 1): string[] =>
    numbers.map((n) => segmentName(timeline, n));

  it('finds none in a contiguous run', () => {
    expect(findGaps(names([3, 4, 5, 6]), 3)).toEqual([]);
  });

  it('names the missing segments of every hole, including one at the start', () => {
    expect(findGaps(names([4, 5, 8]), 3)).toEqual([
      { after: '(start)', missing: [segmentName(1, 3)] },
      { after: segmentName(1, 5), missing: [segmentName(1, 6), segmentName(1, 7)] },
    ]);
  });

  it('continues across a timeline switch at the same position', () => {
    expect(findGaps([...names([3, 4, 5]), ...names([5, 6], 2)], 3)).toEqual([]);
  });

  it('ignores what comes before the start', () => {
    expect(findGaps(names([1, 3, 4]), 3)).toEqual([]);
  });
});

describe('pg_basebackup -v output', () => {
  it('gives the WAL range of the base', () => {
    const stderr = [
      'pg_basebackup: initiating base backup, waiting for checkpoint to complete',
      'pg_basebackup: write-ahead log start point: 0/2000028 on timeline 1',
      'pg_basebackup: write-ahead log end point: 0/3000100',
    ].join('\n');
    expect(parseWalRange(stderr)).toEqual({
      timeline: 1,
      startLsn: '0/2000028',
      stopLsn: '0/3000100',
      startSegment: '000000010000000000000002',
      stopSegment: '000000010000000000000003',
    });
    expect(parseWalRange('pg_basebackup: error: connection refused')).toBeUndefined();
  });
});
