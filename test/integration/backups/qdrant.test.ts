import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupEngine } from '../../../backups/engine.ts';
import { createQdrantApi } from '../../../backups/qdrant/api.ts';
import { createQdrantDriver } from '../../../backups/qdrant/driver.ts';
import { createRepository } from '../../../backups/repository.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';
import { generateKeys, scratchDir, testEngine } from './fixtures.ts';

// Qdrant cannot run here: these tests run against the contract stub in test/support.

const apiKey = 'stub-key';
const signal = new AbortController().signal;

async function seed(stub: QdrantStub, name: string, points: number): Promise<void> {
  const call = async (method: string, path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${stub.url}${path}`, {
      method,
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`seed ${path}: ${response.status}`);
  };
  await call('PUT', `/collections/${name}`, { vectors: { size: 4, distance: 'Cosine' } });
  await call('PUT', `/collections/${name}/points`, {
    points: Array.from({ length: points }, (_, i) => ({
      id: i + 1,
      vector: [i, 1, 2, 3],
      payload: { n: i },
    })),
  });
}

describe('Qdrant snapshots through the backup engine (contract stub)', () => {
  let stub: QdrantStub;
  let engine: BackupEngine;
  let dir: string;

  beforeEach(async () => {
    stub = await startQdrantStub({ apiKey });
    await seed(stub, 'docs', 40);
    await seed(stub, 'faq', 7);
    stub.state.aliases.set('docs-current', 'docs');
    dir = await scratchDir('qdrant');
    const repository = createRepository(dir);
    const api = createQdrantApi({ url: stub.url, apiKey, timeoutMs: 5_000 });
    const driver = createQdrantDriver({
      api,
      url: stub.url,
      collections: [],
      scratchPrefix: 'aidb_verify_',
      tempPath: repository.tempPath,
    });
    ({ engine } = testEngine({ dir, drivers: { qdrant: driver }, keys: await generateKeys() }));
  });

  afterEach(async () => {
    await stub.close();
  });

  it('copies every collection with its aliases and deletes the server-side snapshots', async () => {
    const outcome = await engine.run('qdrant', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    expect(
      outcome.manifest.parts.map((p) => [p.collection, p.aliases, p.rowCounts, p.format]),
    ).toEqual([
      ['docs', ['docs-current'], { points: 40 }, 'qdrant-snapshot'],
      ['faq', [], { points: 7 }, 'qdrant-snapshot'],
    ]);
    expect([...stub.state.snapshots.values()].map((m) => m.size)).toEqual([0, 0]);
    expect(outcome.verification.ok).toBe(true);
  });

  it('passes level 2 in a scratch collection that is removed afterwards', async () => {
    const outcome = await engine.run('qdrant', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    const verified = await engine.verify(outcome.manifest.id, '2', signal);
    expect(verified.status === 'done' && verified.verification.ok).toBe(true);
    expect([...stub.state.collections.keys()].sort()).toEqual(['docs', 'faq']);
  });

  it('restores by uploading with priority=snapshot, points and aliases back', async () => {
    const outcome = await engine.run('qdrant', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    stub.state.collections.clear();
    stub.state.aliases.clear();
    stub.requests.length = 0;
    const restored = await engine.restore(outcome.manifest.id, 'original', {
      force: false,
      signal,
    });
    expect(restored.status === 'done' && restored.actions).toEqual([
      `recovered collection docs (40 points) from ${outcome.manifest.parts[0]?.file ?? ''} with priority=snapshot`,
      'pointed aliases docs-current at docs',
      `recovered collection faq (7 points) from ${outcome.manifest.parts[1]?.file ?? ''} with priority=snapshot`,
    ]);
    expect(stub.state.collections.get('docs')?.points.size).toBe(40);
    expect(stub.state.aliases.get('docs-current')).toBe('docs');
    const uploads = stub.requests.filter((r) => r.path.endsWith('/snapshots/upload'));
    expect(
      uploads.map((r) => [r.method, r.path, new URLSearchParams(r.query).get('priority')]),
    ).toEqual([
      ['POST', '/collections/docs/snapshots/upload', 'snapshot'],
      ['POST', '/collections/faq/snapshots/upload', 'snapshot'],
    ]);
  });

  it('refuses to restore over a collection that has points unless forced', async () => {
    const outcome = await engine.run('qdrant', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    await expect(
      engine.restore(outcome.manifest.id, 'original', { force: false, signal }),
    ).rejects.toThrow(
      'backups: Qdrant collection docs exists and has 40 points; use --force to replace it',
    );
    await expect(
      engine.restore(outcome.manifest.id, 'docs', { force: false, signal }),
    ).rejects.toThrow('holds 2 collections; restore them with --target original');
  });

  it('fails on a download that does not match the published checksum, and still deletes the snapshot', async () => {
    stub.faults.corruptDownloads.add('faq');
    const outcome = await engine.run('qdrant', signal);
    expect(outcome.status === 'failure' && outcome.reason).toBe('snapshot_failed');
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(
      /^backups: snapshot faq-\d+-.*\.snapshot of faq has SHA-256 [0-9a-f]{64}, Qdrant published [0-9a-f]{64}$/,
    );
    expect([...stub.state.snapshots.values()].map((m) => m.size)).toEqual([0, 0]);
    expect((await engine.list()).manifests).toEqual([]);
  });

  it('fails the whole run when one collection fails, not only that collection', async () => {
    stub.faults.failSnapshots.add('faq');
    const outcome = await engine.run('qdrant', signal);
    expect(outcome.status === 'failure' && outcome.reason).toBe('snapshot_failed');
    expect((await engine.list()).manifests).toEqual([]);
    expect((await readdir(dir)).filter((n) => n !== '.tmp')).toEqual([]);
  });
});
