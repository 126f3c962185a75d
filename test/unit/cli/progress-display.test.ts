import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../backups/progress.ts';
import { formatProgress } from '../../../bin/commands/backup-format.ts';
import { createProgressDisplay } from '../../../bin/progress-display.ts';

const clear = '\r\x1b[2K';
const read = (bytes: number, part = 'dump'): Progress => ({
  phase: 'checksum',
  target: 'postgres',
  part,
  bytes,
  totalBytes: 1000,
});

function display(isTTY: boolean) {
  const writes: string[] = [];
  let clock = 1_000;
  const shown = createProgressDisplay(
    { isTTY, write: (text) => writes.push(text) },
    formatProgress,
    () => clock,
  );
  return { shown, writes, tick: (ms: number) => (clock += ms) };
}

describe('the progress display', () => {
  it('ends each part at 100 % however the redraws were throttled, then clears the line', () => {
    const { shown, writes, tick } = display(true);
    for (const bytes of [10, 370, 800, 1000]) {
      shown.onProgress?.(read(bytes));
      tick(50);
    }
    shown.onProgress?.(read(1000, 'second'));
    shown.finish();
    expect(writes.map((w) => /\((\d+)%\)/.exec(w)?.[1] ?? w)).toEqual(['1', '100', '100', clear]);
    expect(writes[2]).toContain('checksum second');
  });

  it('draws at most five times a second', () => {
    const { shown, writes, tick } = display(true);
    for (let bytes = 1; bytes <= 1000; bytes++) {
      shown.onProgress?.(read(bytes));
      tick(1);
    }
    // A second of events: the first, one every 200 ms, and the last at the end.
    expect(writes.length).toBe(5);
    shown.finish();
    expect(writes.slice(-2)).toEqual([expect.stringContaining('(100%)'), clear]);
  });

  it('shows nothing when standard error is not a terminal', () => {
    const { shown, writes } = display(false);
    expect(shown.onProgress).toBeUndefined();
    shown.finish();
    expect(writes).toEqual([]);
  });
});
