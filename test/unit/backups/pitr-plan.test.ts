import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../backups/manifest.ts';
import {
  parseRecoveryTarget,
  planRestore,
  recoverySettings,
  shellQuote,
} from '../../../backups/pitr/plan.ts';
import type { WalEntry } from '../../../backups/wal/archive.ts';
import { segmentName } from '../../../backups/wal/segments.ts';
import { walToDelete } from '../../../backups/wal/retention.ts';
import { baseManifest } from '../../support/base-manifest.ts';

const digest = { bytes: 1, sha256: 'a'.repeat(64) };

// Plan and WAL retention read the base's id, end and WAL range only.
function base(id: string, finishedAt: string, stopSegment: number): Manifest {
  return { ...baseManifest({ startedAt: finishedAt, stopSegment, stored: digest }), id };
}

const wal = (number: number, archivedAt: string): WalEntry => ({
  name: segmentName(1, number),
  archivedAt,
  plain: digest,
  stored: digest,
  recipients: ['age1x'],
});

const bases = [
  base('postgres-20261201T020000000Z', '2026-12-01T02:01:00.000Z', 2),
  base('postgres-20261202T020000000Z', '2026-12-02T02:01:00.000Z', 10),
];
const archive = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) =>
  wal(n, new Date(Date.parse('2026-12-01T03:00:00Z') + n * 3_600_000 * 3).toISOString()),
);

describe('point-in-time restore plan', () => {
  it('parses latest and RFC 3339 times with a zone, nothing else', () => {
    expect(parseRecoveryTarget('latest')).toEqual({ kind: 'latest' });
    expect(parseRecoveryTarget('2026-12-06T19:30:00+01:00')).toEqual({
      kind: 'time',
      at: new Date('2026-12-06T18:30:00Z'),
    });
    expect(parseRecoveryTarget('2026-12-06 18:30')).toBeUndefined();
    expect(parseRecoveryTarget('2026-12-06T18:30:00')).toBeUndefined();
  });

  it('starts from the newest base finished before the target', () => {
    const at = new Date('2026-12-01T20:00:00Z');
    const result = planRestore(bases, new Set(), archive, { kind: 'time', at });
    expect(result.ok && result.plan.base.id).toBe('postgres-20261201T020000000Z');
    const later = planRestore(bases, new Set(), archive, {
      kind: 'time',
      at: new Date('2026-12-02T12:00:00Z'),
    });
    expect(later.ok && later.plan.base.id).toBe('postgres-20261202T020000000Z');
  });

  it('skips a failed or missing base', () => {
    const result = planRestore(bases, new Set(['postgres-20261202T020000000Z']), archive, {
      kind: 'latest',
    });
    expect(result.ok && result.plan.base.id).toBe('postgres-20261201T020000000Z');
  });

  it('refuses a gap in the WAL after the base, naming the missing segment', () => {
    const holed = archive.filter((e) => e.name !== segmentName(1, 5));
    const result = planRestore(bases.slice(0, 1), new Set(), holed, { kind: 'latest' });
    expect(result).toEqual({
      ok: false,
      problem: expect.stringContaining(`${segmentName(1, 5)} missing`),
    });
  });

  it('refuses a target before every base or after the archive', () => {
    expect(
      planRestore(bases, new Set(), archive, {
        kind: 'time',
        at: new Date('2026-11-30T00:00:00Z'),
      }),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('no usable base backup finished before') as unknown,
    });
    expect(
      planRestore(bases, new Set(), archive, {
        kind: 'time',
        at: new Date('2027-01-01T00:00:00Z'),
      }),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('before the target') as unknown,
    });
  });

  it('writes recovery settings PostgreSQL accepts, quoting the command', () => {
    const text = recoverySettings(`fetch 'it' %f %p`, {
      kind: 'time',
      at: new Date('2026-12-06T18:30:00.123Z'),
    });
    expect(text).toContain(`restore_command = 'fetch ''it'' %f %p'`);
    expect(text).toContain(`recovery_target_time = '2026-12-06 18:30:00.123+00'`);
    expect(text).toContain(`recovery_target_action = 'promote'`);
    expect(recoverySettings('x', { kind: 'latest' })).not.toContain('recovery_target_time =');
    expect(shellQuote(`a'b`)).toBe(`'a'\\''b'`);
  });
});

describe('WAL retention', () => {
  const names = [1, 2, 3, 9, 10, 11].map((n) => segmentName(1, n));

  it('keeps WAL exactly back to the oldest kept base’s stop segment', () => {
    expect(walToDelete([...names, '00000002.history'], bases)).toEqual([segmentName(1, 1)]);
    expect(walToDelete(names, bases.slice(1))).toEqual([1, 2, 3, 9].map((n) => segmentName(1, n)));
  });

  it('deletes nothing when no base is kept', () => {
    expect(walToDelete(names, [])).toEqual([]);
  });
});
