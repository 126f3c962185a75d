import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupEngine } from '../../../backups/engine.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import { createPgliteDriver } from '../../../backups/pglite/driver.ts';
import { createRepository } from '../../../backups/repository.ts';
import { migrate } from '../../../service/store/migrate.ts';
import {
  startServiceSnapshotStub,
  type ServiceSnapshotStub,
} from '../../support/service-snapshot-stub.ts';
import { generateKeys, scratchDir, testEngine, type Keys } from './fixtures.ts';

const adminKey = 'admin-test-key';
const signal = new AbortController().signal;

async function seed(db: PGlite): Promise<void> {
  const pool = new pg.Pool(createPgConfig(db));
  try {
    await migrate(pool);
    await pool.query("INSERT INTO collections (name, dimension) VALUES ('docs', 4), ('faq', 4)");
    await pool.query(
      `INSERT INTO documents (collection_id, id, content, content_sha256)
       SELECT c.id, 'doc-' || i, 'text ' || i, md5(i::text) FROM collections c, generate_series(1, 25) i`,
    );
    await pool.query(
      `INSERT INTO chunks (collection_id, document_id, chunk_index, content, embedding)
       SELECT collection_id, id, 0, content, ARRAY[0.1, 0.2, 0.3, 0.4]::real[] FROM documents`,
    );
  } finally {
    await pool.end();
  }
}

async function counts(db: PGlite): Promise<number[]> {
  const out: number[] = [];
  for (const table of ['collections', 'documents', 'chunks']) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out.push(rows[0]?.n ?? -1);
  }
  return out;
}

describe('PGlite backups through the service snapshot endpoint (stubbed service, real PGlite)', () => {
  let db: PGlite;
  let stub: ServiceSnapshotStub;
  let keys: Keys;
  let engine: BackupEngine;
  let dir: string;
  let manifest: Manifest;

  const engineFor = (key: string): BackupEngine => {
    const repository = createRepository(dir);
    const driver = createPgliteDriver({
      serviceUrl: stub.url,
      adminKey: () => key,
      tempPath: repository.tempPath,
    });
    return testEngine({ dir, drivers: { pglite: driver }, keys }).engine;
  };

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await seed(db);
    stub = await startServiceSnapshotStub(db, adminKey);
    keys = await generateKeys();
    dir = await scratchDir('pglite');
    engine = engineFor(adminKey);
    const outcome = await engine.run('pglite', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    manifest = outcome.manifest;
  });

  afterAll(async () => {
    await stub.close();
    await db.close();
  });

  it('stores the dump with the row counts the service reported, verified at level 1', () => {
    expect(manifest.parts.map((p) => [p.format, p.rowCounts])).toEqual([
      [
        'pglite-datadir-tar',
        { 'public.collections': 2, 'public.documents': 50, 'public.chunks': 50 },
      ],
    ]);
    expect(manifest.verifications.map((v) => [v.level, v.ok])).toEqual([['1', true]]);
  });

  it('passes level 2 by loading the dump into a fresh in-memory PGlite', async () => {
    const outcome = await engine.verify(manifest.id, '2', signal);
    expect(outcome.status === 'done' && outcome.verification.ok).toBe(true);
  });

  it('restores a data directory PGlite opens with the same rows, refusing a non-empty one', async () => {
    const target = join(dir, 'restored-pglite');
    const outcome = await engine.restore(manifest.id, target, { force: false, signal });
    expect(outcome.status === 'done' && outcome.actions).toEqual([
      `wrote a PGlite data directory to ${target} from ${manifest.parts[0]?.file ?? ''}`,
      'checked row counts of 3 tables against the manifest',
    ]);
    const reopened = await PGlite.create({ dataDir: target, extensions: { vector } });
    try {
      expect(await counts(reopened)).toEqual(await counts(db));
    } finally {
      await reopened.close();
    }
    await expect(engine.restore(manifest.id, target, { force: false, signal })).rejects.toThrow(
      `backups: ${target} is not empty; use --force to replace it`,
    );
  });

  it('refuses a populated directory that is not a data directory too, unless forced', async () => {
    const target = join(dir, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'keep me');
    await expect(engine.restore(manifest.id, target, { force: false, signal })).rejects.toThrow(
      'is not empty',
    );
    expect(await readdir(target)).toEqual(['notes.txt']);
    const forced = await engine.restore(manifest.id, target, { force: true, signal });
    expect(forced.status === 'done' && forced.actions[0]).toBe(
      `removed the previous contents of ${target}`,
    );
  });

  const failures = [
    {
      name: 'a wrong admin key fails as dump_failed',
      key: 'wrong',
      mode: 'ok',
      reason: 'dump_failed',
      message: 'backups: the service answered 401 to /v1/admin/snapshot',
    },
    {
      name: 'a connection cut mid-body fails as dump_failed',
      key: adminKey,
      mode: 'truncate',
      reason: 'dump_failed',
      message: undefined,
    },
    {
      name: 'a body that is not a tar fails level 1',
      key: adminKey,
      mode: 'garbage',
      reason: 'verify_failed',
      message: undefined,
    },
  ] as const;

  it.each(failures)('$name', async ({ key, mode, reason, message }) => {
    stub.mode = mode;
    try {
      const before = (await engine.list()).manifests.length;
      const outcome = await engineFor(key).run('pglite', signal);
      expect(outcome.status === 'failure' && outcome.reason).toBe(reason);
      if (message !== undefined)
        expect(outcome.status === 'failure' && outcome.error.message).toBe(message);
      const after = (await engine.list()).manifests;
      // A backup that fails level 1 stays (state failed) for forensics; the others leave nothing.
      expect(after.length - before).toBe(reason === 'verify_failed' ? 1 : 0);
      expect(await readdir(join(dir, '.tmp'))).toEqual([]);
    } finally {
      stub.mode = 'ok';
    }
  });
});
