import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCopier, type CopyOutcome } from '../../../backups/copies/copier.ts';
import { pathStore } from '../../../backups/copies/path-store.ts';
import { s3Store } from '../../../backups/copies/s3-store.ts';
import type { CopyStore } from '../../../backups/copies/store.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import type { RetentionPolicy } from '../../../backups/retention.ts';
import { segmentName } from '../../../backups/wal/segments.ts';
import { createLogger } from '../../../lib/logger.ts';
import { baseManifest } from '../../support/base-manifest.ts';
import { startS3Server, type S3Server } from '../../support/s3-server.ts';
import { scratchDir } from './fixtures.ts';

const day = 86_400_000;
const now = Date.parse('2026-12-10T12:00:00Z');
/** The copy keeps three days; the primary (simulated) keeps fewer. */
const policy: RetentionPolicy = {
  daily: 3,
  weekly: 0,
  monthly: 0,
  timeZone: 'UTC',
  minVerified: 1,
  gracePeriodMs: 7 * day,
  maxDeletions: 10,
};

/** Random bytes at `path`, returning their digest as a manifest records it. */
async function dataFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const data = randomBytes(2048);
  await writeFile(path, data);
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** A primary repository: base backups 4, 3, 2 and 1 days old, and WAL segments 1–35. */
async function writePrimary(dir: string): Promise<{ bases: Manifest[]; wal: string[] }> {
  await mkdir(join(dir, 'wal'), { recursive: true });
  const bases: Manifest[] = [];
  for (const [daysAgo, stopSegment] of [
    [4, 2],
    [3, 10],
    [2, 20],
    [1, 30],
  ] as const) {
    const startedAt = new Date(now - daysAgo * day).toISOString();
    const id = `postgres-${startedAt.replace(/[-:.]/g, '')}`;
    const stored = await dataFile(join(dir, `${id}.base.zst.age`));
    const manifest = baseManifest({ startedAt, stopSegment, stored });
    await writeFile(join(dir, `${id}.manifest.json`), JSON.stringify(manifest));
    bases.push(manifest);
  }
  const wal = Array.from({ length: 35 }, (_, i) => segmentName(1, i + 1));
  for (const [index, name] of wal.entries()) {
    const stored = await dataFile(join(dir, 'wal', `${name}.zst.age`));
    const entry = {
      name,
      archivedAt: new Date(now - 4 * day + index * 60_000).toISOString(),
      plain: stored,
      stored,
      recipients: ['age1x'],
    };
    await writeFile(join(dir, 'wal', `${name}.json`), JSON.stringify(entry));
  }
  return { bases, wal };
}

/** What the primary's own retention does: deletes a backup (listing first) or WAL files. */
async function primaryDeletes(dir: string, bases: readonly Manifest[], wal: readonly string[]) {
  for (const m of bases) {
    await rm(join(dir, `${m.id}.manifest.json`));
    await rm(join(dir, `${m.id}.base.zst.age`));
  }
  for (const name of wal) {
    await rm(join(dir, 'wal', `${name}.json`));
    await rm(join(dir, 'wal', `${name}.zst.age`));
  }
}

const backupKeys = (m: Manifest): string[] => [`${m.id}.manifest.json`, `${m.id}.base.zst.age`];
const walKeys = (name: string): string[] => [`wal/${name}.json`, `wal/${name}.zst.age`];

describe.each(['path', 's3'] as const)('copy retention against a %s copy (s3: s3rver)', (kind) => {
  let s3: S3Server | undefined;
  let primary: string;
  let store: CopyStore;
  let bases: Manifest[];
  let wal: string[];
  const outcomes: CopyOutcome[] = [];
  const sync = async (copyPolicy = policy): Promise<CopyOutcome> => {
    const copier = createCopier({
      repositoryDir: primary,
      stores: [store],
      policies: new Map([[store.name, copyPolicy]]),
      logger: createLogger({ level: 'silent', name: 'copy' }),
      now: () => now,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const [outcome] = await copier.sync(new AbortController().signal);
    if (outcome === undefined) throw new Error('no outcome');
    return outcome;
  };
  const keys = async (): Promise<Set<string>> => new Set((await store.list()).keys());

  beforeAll(async () => {
    const dir = await scratchDir(`copy-retention-${kind}`);
    primary = join(dir, 'primary');
    ({ bases, wal } = await writePrimary(primary));
    if (kind === 'path') {
      store = pathStore('volume', join(dir, 'volume'));
    } else {
      s3 = await startS3Server();
      Object.assign(process.env, s3.env);
      store = s3Store({
        name: 'offsite',
        bucket: s3.bucket,
        prefix: 'aidb/',
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        partSizeMib: 5,
      });
    }
  }, 60_000);

  afterAll(async () => {
    await s3?.close();
  });

  it('deletes nothing while the primary holds everything, even what the copy policy drops', async () => {
    const outcome = await sync();
    expect(outcome.ok).toBe(true);
    expect(outcome.copied).toBe(4 * 2 + 35 * 2);
    expect(outcome.pruned).toEqual({ backups: [], wal: 0 });
    expect((await keys()).size).toBe(4 * 2 + 35 * 2);
  }, 60_000);

  it('after the primary deleted a backup and its WAL, deletes what only that backup needed', async () => {
    // The primary keeps two days: the oldest two bases go, and the WAL before the third's.
    const [oldest, second] = bases;
    if (oldest === undefined || second === undefined) throw new Error('fixture');
    await primaryDeletes(primary, [oldest, second], wal.slice(0, 19));
    const outcome = await sync();
    expect(outcome.pruned).toEqual({ backups: [oldest.id], wal: 9 });
    const present = await keys();
    for (const key of backupKeys(oldest)) expect(present.has(key)).toBe(false);
    // The copy keeps three days: the second base stays with the WAL from its stop segment on.
    for (const key of backupKeys(second)) expect(present.has(key)).toBe(true);
    for (const name of wal.slice(0, 9))
      for (const key of walKeys(name)) expect(present.has(key)).toBe(false);
    for (const name of wal.slice(9))
      for (const key of walKeys(name)) expect(present.has(key)).toBe(true);
    expect(outcomes.at(-1)?.pruned.backups).toEqual([oldest.id]);
  }, 60_000);

  it('deletes nothing when the primary repository is empty (lost, or its volume not mounted)', async () => {
    const before = await keys();
    await rm(primary, { recursive: true, force: true });
    await mkdir(primary);
    // Even a policy that would keep one day only: an empty primary says nothing about age.
    const outcome = await sync({ ...policy, daily: 1 });
    expect(outcome.pruned).toEqual({ backups: [], wal: 0 });
    expect(await keys()).toEqual(before);
  }, 60_000);
});
