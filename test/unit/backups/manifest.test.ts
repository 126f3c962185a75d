import { describe, expect, it } from 'vitest';
import {
  backupId,
  parseManifest,
  serializeManifest,
  stateOf,
  type Manifest,
} from '../../../backups/manifest.ts';

const sha = (c: string): string => c.repeat(64);

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    schemaVersion: 1,
    id: 'postgres-20261128T171325123Z',
    target: 'postgres',
    startedAt: '2026-11-28T17:13:25.123Z',
    finishedAt: '2026-11-28T17:14:02.000Z',
    source: { host: 'db', port: '5432', database: 'aidb', user: 'aidb' },
    tools: { aidb: '0.1.0', pgDump: 'pg_dump (PostgreSQL) 15.20' },
    compression: { algorithm: 'zstd', level: 3 },
    encryption: { format: 'age', recipients: ['age1recipient'] },
    parts: [
      {
        file: 'postgres-20261128T171325123Z.dump.zst.age',
        format: 'pg_dump-custom',
        plain: { bytes: 1000, sha256: sha('a') },
        stored: { bytes: 400, sha256: sha('b') },
        rowCounts: { 'public.documents': 10 },
      },
    ],
    verifications: [],
    ...overrides,
  };
}

const check = (ok: boolean, level: '1' | '2' = '1') => ({
  level,
  at: '2026-11-28T17:15:00.000Z',
  ok,
  durationSeconds: 1,
});

describe('manifest', () => {
  it('survives serialization unchanged', () => {
    const m = manifest({ verifications: [check(true)] });
    expect(parseManifest(serializeManifest(m), 'x')).toEqual(m);
  });

  it('refuses a schema version it does not know, naming both', () => {
    const text = JSON.stringify({ ...manifest(), schemaVersion: 2 });
    expect(() => parseManifest(text, 'm.json')).toThrow(
      'backups: manifest m.json has schema version 2; this build reads 1',
    );
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseManifest('{', 'm.json')).toThrow('backups: manifest m.json is not JSON');
  });

  it('refuses a malformed digest, naming the field', () => {
    const bad = manifest();
    const text = serializeManifest(bad).replace(sha('a'), 'not-a-digest');
    expect(() => parseManifest(text, 'm.json')).toThrow(/parts\[0\]\.plain\.sha256/);
  });

  it('refuses a data file name that could leave the repository', () => {
    const part = manifest().parts[0];
    if (part === undefined) throw new Error('fixture');
    expect(() =>
      serializeManifest(manifest({ parts: [{ ...part, file: '../etc/passwd' }] })),
    ).toThrow();
  });

  const states = [
    { name: 'no verification yet is unverified', verifications: [], state: 'unverified' },
    { name: 'a passed level 1 is verified', verifications: [check(true)], state: 'verified' },
    {
      name: 'the latest result wins: passed then failed is failed',
      verifications: [check(true), check(false, '2')],
      state: 'failed',
    },
    {
      name: 'failed then passed again is verified',
      verifications: [check(false), check(true)],
      state: 'verified',
    },
  ] as const;

  it.each(states)('$name', ({ verifications, state }) => {
    expect(stateOf(manifest({ verifications: [...verifications] }))).toBe(state);
  });

  it('names a backup by target and UTC start to the millisecond', () => {
    expect(backupId('qdrant', new Date('2026-01-02T03:04:05.006Z'))).toBe(
      'qdrant-20260102T030405006Z',
    );
  });
});
