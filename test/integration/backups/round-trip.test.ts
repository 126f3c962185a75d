import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupEngine } from '../../../backups/engine.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';
import type { Repository } from '../../../backups/repository.ts';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import {
  generateKeys,
  sampleRows,
  scratchDir,
  seedServiceDatabase,
  tableCounts,
  testEngine,
  type Keys,
  pgBin,
} from './fixtures.ts';

const run = promisify(execFile);

describe('PostgreSQL backup round trip', () => {
  let server: PostgresServer;
  let keys: Keys;
  let dir: string;
  let engine: BackupEngine;
  let repository: Repository;
  let manifest: Manifest;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase('source');
    await seedServiceDatabase(url, { collections: 3, documents: 150, chunks: 4 });
    keys = await generateKeys();
    dir = await scratchDir('round-trip');
    const connection = { url, binDir: pgBin };
    const driver = createPostgresDriver({
      connection,
      scratch: { url: server.url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
    });
    ({ engine, repository } = testEngine({ dir, drivers: { postgres: driver }, keys }));
    const outcome = await engine.run('postgres', signal);
    if (outcome.status !== 'success') throw new Error(`backup failed: ${JSON.stringify(outcome)}`);
    manifest = outcome.manifest;
  });

  afterAll(async () => {
    await server.close();
  });

  it('records the exact row counts of every table in the manifest, verified at level 1', async () => {
    expect(manifest.parts).toHaveLength(1);
    expect(manifest.parts[0]?.rowCounts).toEqual(await tableCounts(server.urlFor('source')));
    expect(manifest.parts[0]?.rowCounts['public.chunks']).toBe(3 * 150 * 4);
    expect(manifest.verifications.map((v) => [v.level, v.ok])).toEqual([['1', true]]);
    expect(manifest.encryption.recipients).toEqual([keys.recipient]);
    expect(manifest.source).toEqual({
      host: '127.0.0.1',
      port: String(server.port),
      database: 'source',
      user: 'postgres',
    });
  });

  it('passes level 2: restored into a scratch database that is dropped afterwards', async () => {
    const outcome = await engine.verify(manifest.id, '2', signal);
    expect(outcome.status === 'done' && outcome.verification.ok).toBe(true);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'aidb_verify_%'",
    );
    await client.end();
    expect(rows).toEqual([]);
    expect((await repository.read(manifest.id)).verifications.map((v) => [v.level, v.ok])).toEqual([
      ['1', true],
      ['2', true],
    ]);
  });

  it('restores into a new database with identical row counts and rows', async () => {
    const outcome = await engine.restore(manifest.id, 'restored', { force: false, signal });
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.actions).toEqual([
      'created database restored',
      `restored ${manifest.parts[0]?.file ?? ''} into database restored`,
      'checked row counts of 5 tables against the manifest',
    ]);
    expect(await tableCounts(server.urlFor('restored'))).toEqual(
      await tableCounts(server.urlFor('source')),
    );
    expect(await sampleRows(server.urlFor('restored'))).toEqual(
      await sampleRows(server.urlFor('source')),
    );
  });

  it('refuses to restore over a non-empty database unless forced', async () => {
    await expect(engine.restore(manifest.id, 'restored', { force: false, signal })).rejects.toThrow(
      'backups: database restored exists and has tables; use --force to restore over it',
    );
    const forced = await engine.restore(manifest.id, 'restored', { force: true, signal });
    expect(forced.status === 'done' && forced.actions[0]).toBe(
      `restored ${manifest.parts[0]?.file ?? ''} into database restored (replacing existing objects)`,
    );
    expect(await tableCounts(server.urlFor('restored'))).toEqual(
      await tableCounts(server.urlFor('source')),
    );
  });

  it('drops level-2 scratch databases a crashed run left behind when it opens', async () => {
    await server.createDatabase('aidb_verify_leftover');
    const opened = await engine.open(signal);
    expect(opened).toMatchObject({ droppedScratch: ['aidb_verify_leftover'], cleaned: true });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rowCount } = await client.query(
      "SELECT 1 FROM pg_database WHERE datname = 'aidb_verify_leftover'",
    );
    await client.end();
    expect(rowCount).toBe(0);
  });

  it('is readable without aidb: the age CLI decrypts, zstd decompresses, pg_restore reads it', async () => {
    const part = manifest.parts[0];
    if (part === undefined) throw new Error('no part');
    const work = await scratchDir('interop');
    const keyFile = join(work, 'key.txt');
    await writeFile(keyFile, `${keys.identity}\n`, { mode: 0o600 });
    await run(binaryPath(binaries.age), [
      '--decrypt',
      '--identity',
      keyFile,
      '--output',
      join(work, 'dump.zst'),
      repository.dataPath(part.file),
    ]);
    await run(binaryPath(binaries.zstd), [
      '-q',
      '-d',
      join(work, 'dump.zst'),
      '-o',
      join(work, 'dump'),
    ]);
    const { stdout: sum } = await run('sha256sum', [join(work, 'dump')]);
    expect(sum.split(' ')[0]).toBe(part.plain.sha256);
    await run(binaryPath(binaries.pgRestore), ['--file=/dev/null', join(work, 'dump')]);
    const { stdout: toc } = await run(binaryPath(binaries.pgRestore), [
      '--list',
      join(work, 'dump'),
    ]);
    for (const table of ['collections', 'documents', 'chunks']) {
      expect(toc).toMatch(new RegExp(`TABLE DATA public ${table} `));
    }
  });

  it('counts rows in the very snapshot it dumps, while writes go on', async () => {
    const url = server.urlFor('source');
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    const live = { writing: true };
    let inserted = 0;
    const load = (async () => {
      while (live.writing) {
        await writer.query(
          `INSERT INTO documents (collection_id, id, content, content_sha256)
           SELECT id, 'live-' || $1, 'x', 'y' FROM collections ORDER BY id LIMIT 1`,
          [inserted],
        );
        inserted += 1;
      }
    })();
    try {
      const outcome = await engine.run('postgres', signal);
      if (outcome.status !== 'success')
        throw new Error(`backup failed: ${JSON.stringify(outcome)}`);
      const verified = await engine.verify(outcome.manifest.id, '2', signal);
      expect(verified.status === 'done' && verified.verification).toMatchObject({ ok: true });
    } finally {
      live.writing = false;
      await load;
      await writer.end();
    }
    expect(inserted).toBeGreaterThan(0);
  });
});
