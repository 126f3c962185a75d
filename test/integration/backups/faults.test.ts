import { open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readDecrypted, writeEncrypted } from '../../../backups/pipeline.ts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';
import { serializeManifest, type Manifest } from '../../../backups/manifest.ts';
import { createDigestStream } from '../../../backups/digest.ts';
import { pipeline } from 'node:stream/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { metricsOf } from '../../../catalog/metrics.ts';
import { createBackupMetrics } from '../../../backups/metrics.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import {
  fakePgBin,
  generateKeys,
  scratchDir,
  seedServiceDatabase,
  testEngine,
  type Keys,
  pgBin,
} from './fixtures.ts';

const run = promisify(execFile);

/** The real file sink, except that past `limit` bytes it fails as a full disk does. */
function enospcSink(path: string, limit: number): Writable {
  const file = createWriteStream(path);
  let written = 0;
  const write = file._write.bind(file);
  file._write = (chunk: Buffer, encoding, callback) => {
    if (written + chunk.length > limit) {
      const error = new Error('ENOSPC: no space left on device, write');
      callback(Object.assign(error, { code: 'ENOSPC', errno: -28, syscall: 'write' }));
      return;
    }
    written += chunk.length;
    write(chunk, encoding, callback);
  };
  return file;
}

async function sha256(path: string): Promise<string> {
  const digest = createDigestStream();
  await pipeline(createReadStream(path), digest);
  return digest.result().sha256;
}

describe('backup faults', () => {
  let server: PostgresServer;
  let url: string;
  let keys: Keys;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('source');
    await seedServiceDatabase(url, { collections: 2, documents: 100, chunks: 3 });
    keys = await generateKeys();
  });

  afterAll(async () => {
    await server.close();
  });

  const driverWith = (binDir: string) =>
    createPostgresDriver({
      connection: { url, binDir },
      scratch: { url: server.url, binDir },
      scratchPrefix: 'aidb_verify_',
    });

  async function repoFiles(dir: string): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name !== '.tmp').sort();
  }

  it('a full disk fails the run as disk_full and leaves neither manifest nor data', async () => {
    const dir = await scratchDir('enospc');
    const { engine } = testEngine({
      dir,
      drivers: { postgres: driverWith(pgBin) },
      keys,
      createSink: (path) => enospcSink(path, 2048),
    });
    const outcome = await engine.run('postgres', signal);
    expect(outcome.status === 'failure' && outcome.reason).toBe('disk_full');
    expect(await repoFiles(dir)).toEqual([]);
    expect(await readdir(`${dir}/.tmp`)).toEqual([]);
    expect((await engine.list()).manifests).toEqual([]);
  });

  it('pg_dump failing mid-stream fails the run as dump_failed with its message', async () => {
    const dir = await scratchDir('dump-fails');
    const bin = await fakePgBin(
      dir,
      'head -c 300000 /dev/urandom; echo "pg_dump: error: connection lost" >&2; exit 1',
      pgBin,
    );
    const { engine } = testEngine({ dir, drivers: { postgres: driverWith(bin) }, keys });
    const outcome = await engine.run('postgres', signal);
    expect(outcome.status).toBe('failure');
    if (outcome.status !== 'failure') return;
    expect(outcome.reason).toBe('dump_failed');
    expect(outcome.error.message).toBe(
      'backups: pg_dump exited with status 1: pg_dump: error: connection lost',
    );
    expect((await repoFiles(dir)).filter((n) => n !== 'fake-bin')).toEqual([]);
  });

  it('two triggers at once: one runs, the other is skipped and counted', async () => {
    const dir = await scratchDir('concurrent');
    const prometheus = createPrometheusMetrics({
      serviceName: 'aidb-agent',
      serviceVersion: 'test',
      metrics: metricsOf('agent'),
    });
    const metrics = createBackupMetrics(prometheus.meter, ['postgres']);
    const { engine } = testEngine({ dir, drivers: { postgres: driverWith(pgBin) }, keys, metrics });
    const outcomes = await Promise.all([
      engine.run('postgres', signal),
      engine.run('postgres', signal),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'success']);
    expect((await engine.list()).manifests).toHaveLength(1);
    const text = await prometheus.render();
    expect(text).toMatch(
      /aidb_backup_runs_total\{target="postgres",result="skipped",reason="locked"\} 1/,
    );
    expect(text).toMatch(
      /aidb_backup_runs_total\{target="postgres",result="success",reason="none"\} 1/,
    );
  });

  describe('verification of damaged files', () => {
    let dir: string;
    let manifest: Manifest;
    let original: Buffer;
    let dataPath: string;
    let engine: ReturnType<typeof testEngine>['engine'];

    beforeAll(async () => {
      dir = await scratchDir('damage');
      ({ engine } = testEngine({ dir, drivers: { postgres: driverWith(pgBin) }, keys }));
      const outcome = await engine.run('postgres', signal);
      if (outcome.status !== 'success') throw new Error('backup failed');
      manifest = outcome.manifest;
      dataPath = `${dir}/${manifest.parts[0]?.file ?? ''}`;
      original = await readFile(dataPath);
    });

    async function restoreOriginal(): Promise<void> {
      await writeFile(dataPath, original);
      await writeFile(`${dir}/${manifest.id}.manifest.json`, serializeManifest(manifest));
    }

    /** Makes the manifest agree with the damaged file, so only decoding can notice. */
    async function trustDamagedFile(): Promise<void> {
      const part = manifest.parts[0];
      if (part === undefined) throw new Error('no part');
      const stored = { bytes: (await stat(dataPath)).size, sha256: await sha256(dataPath) };
      await writeFile(
        `${dir}/${manifest.id}.manifest.json`,
        serializeManifest({ ...manifest, parts: [{ ...part, stored }] }),
      );
    }

    async function flipByte(): Promise<void> {
      const handle = await open(dataPath, 'r+');
      const at = Math.floor(original.length / 2);
      await handle.write(Buffer.from([(original[at] ?? 0) ^ 0x01]), 0, 1, at);
      await handle.close();
    }

    const cases = [
      {
        name: 'a flipped byte fails the stored checksum',
        damage: flipByte,
        reason: 'stored_sha256_mismatch',
      },
      {
        name: 'a truncated file fails the stored size',
        damage: () => truncate(dataPath, original.length - 1000),
        reason: 'stored_size_mismatch',
      },
      {
        name: 'a flipped byte the manifest agrees with fails age authentication',
        damage: async () => {
          await flipByte();
          await trustDamagedFile();
        },
        reason: 'decrypt_failed',
      },
      {
        name: 'a truncated file the manifest agrees with fails age authentication',
        damage: async () => {
          await truncate(dataPath, original.length - 1000);
          await trustDamagedFile();
        },
        reason: 'decrypt_failed',
      },
      {
        name: 'a missing data file is reported as missing',
        damage: () => rm(dataPath),
        reason: 'missing_file',
      },
    ] as const;

    it('covers every case in the table', () => {
      expect(cases).toHaveLength(5);
    });

    it.each(cases)('$name', async ({ damage, reason }) => {
      await damage();
      try {
        const outcome = await engine.verify(manifest.id, '1', signal);
        expect(
          outcome.status === 'done' && [outcome.verification.ok, outcome.verification.reason],
        ).toEqual([false, reason]);
        const listed = (await engine.list()).manifests.find((m) => m.id === manifest.id);
        expect(listed?.verifications.at(-1)?.reason).toBe(reason);
      } finally {
        await restoreOriginal();
      }
    });

    it('a truncated dump that decrypts cleanly fails pg_restore, which --list would pass', async () => {
      const part = manifest.parts[0];
      if (part === undefined) throw new Error('no part');
      const plain: Buffer[] = [];
      await readDecrypted({
        path: dataPath,
        part,
        identities: [keys.identity],
        consumer: new Writable({
          write(chunk: Buffer, _encoding, callback) {
            plain.push(chunk);
            callback();
          },
        }),
        signal,
      });
      const truncated = Buffer.concat(plain).subarray(
        0,
        Math.floor(Buffer.concat(plain).length * 0.7),
      );
      const work = await scratchDir('truncated-dump');
      await writeFile(join(work, 'dump'), truncated);
      const listed = await run(join(pgBin, 'pg_restore'), ['--list', join(work, 'dump')]);
      expect(listed.stdout).toContain('TABLE DATA public chunks');
      const written = await writeEncrypted({
        source: Readable.from([truncated]),
        sink: createWriteStream(dataPath),
        recipients: [keys.recipient],
        compressionLevel: 3,
        signal,
      });
      await writeFile(
        `${dir}/${manifest.id}.manifest.json`,
        serializeManifest({ ...manifest, parts: [{ ...part, ...written }] }),
      );
      try {
        const outcome = await engine.verify(manifest.id, '1', signal);
        expect(
          outcome.status === 'done' && [outcome.verification.ok, outcome.verification.reason],
        ).toEqual([false, 'verify_failed']);
        expect(outcome.status === 'done' && outcome.verification.detail).toMatch(
          /^backups: pg_restore exited with status 1: pg_restore: error: /,
        );
      } finally {
        await restoreOriginal();
      }
    });

    it('a wrong key cannot verify or restore, records nothing, and the restore touches nothing', async () => {
      const other = await generateKeys();
      const { engine: wrong, repository } = testEngine({
        dir,
        drivers: { postgres: driverWith(pgBin) },
        keys,
        identity: other.identity,
      });
      const before = (await repository.read(manifest.id)).verifications;
      const needs = `backups: ${manifest.id} is encrypted to ${keys.recipient}; no configured identity (${other.recipient}) is one of its recipients`;
      await expect(wrong.verify(manifest.id, '1', signal)).rejects.toThrow(needs);
      await expect(wrong.verify(manifest.id, '2', signal)).rejects.toThrow(needs);
      expect((await repository.read(manifest.id)).verifications).toEqual(before);
      await expect(
        wrong.restore(manifest.id, 'never_created', { force: false, signal }),
      ).rejects.toThrow(needs);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rowCount } = await client.query(
        "SELECT 1 FROM pg_database WHERE datname = 'never_created'",
      );
      await client.end();
      expect(rowCount).toBe(0);
      await restoreOriginal();
    });
  });
});
