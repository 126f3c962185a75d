import { describe, expect, it } from 'vitest';
import { formatBytes, formatProgress, formatTable } from '../../../bin/commands/backup-format.ts';

describe('backup CLI formatting', () => {
  const sizes = [
    { bytes: 0, text: '0 B' },
    { bytes: 1023, text: '1023 B' },
    { bytes: 1024, text: '1.0 KiB' },
    { bytes: 1536 * 1024, text: '1.5 MiB' },
    { bytes: 5 * 1024 ** 3, text: '5.0 GiB' },
  ] as const;

  it.each(sizes)('$bytes bytes print as $text', ({ bytes, text }) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('aligns table columns on the widest cell', () => {
    expect(
      formatTable(
        ['ID', 'STATE'],
        [
          ['a', 'verified'],
          ['long-id', 'failed'],
        ],
      ),
    ).toBe('ID       STATE\na        verified\nlong-id  failed');
  });

  it('shows a percentage when the total is known, a rate always', () => {
    const base = { phase: 'restore', target: 'postgres', part: 'x.age' } as const;
    expect(formatProgress({ ...base, bytes: 512 * 1024 ** 2, totalBytes: 1024 ** 3 }, 2000)).toBe(
      'restore x.age  512.0 MiB / 1.0 GiB (50%)  256.0 MiB/s',
    );
    expect(formatProgress({ ...base, phase: 'backup', bytes: 3 * 1024 ** 2 }, 1000)).toBe(
      'backup x.age  3.0 MiB  3.0 MiB/s',
    );
  });
});
