/**
 * Runs a copy's retention (retention.ts) against the copy: reads what it holds and what the
 * primary holds, deletes what the plan says, listings before data (as the repository does), so
 * an interrupted run leaves unlisted files, never a listed backup without its data.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { parseManifest, type Manifest } from '../manifest.ts';
import type { RetentionPolicy } from '../retention.ts';
import { manifestKey, planCopyPrune, walEntryKey, type CopyPrunePlan } from './retention.ts';
import type { CopyStore } from './store.ts';

const manifestPattern = /^([^/]+)\.manifest\.json$/;
const walEntryPattern = /^wal\/([^/]+)\.json$/;

/** Every key of the primary repository, as a copy names it (listings only: they decide). */
async function primaryKeys(repositoryDir: string): Promise<Set<string>> {
  const names = async (dir: string): Promise<string[]> =>
    readdir(dir).catch((cause: unknown) => {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw cause;
    });
  return new Set([
    ...(await names(repositoryDir)),
    ...(await names(join(repositoryDir, 'wal'))).map((name) => `wal/${name}`),
  ]);
}

/** Parsed manifests by key and size, so a sync every few seconds does not re-read them all. */
export type ManifestCache = Map<string, Manifest>;

export async function pruneCopy(options: {
  readonly repositoryDir: string;
  readonly store: CopyStore;
  readonly policy: RetentionPolicy;
  readonly now: number;
  readonly cache: ManifestCache;
  readonly signal: AbortSignal;
}): Promise<CopyPrunePlan> {
  const { store, cache, signal } = options;
  const listing = await store.list();
  const backups: { manifest: Manifest; missing: boolean }[] = [];
  const wal: string[] = [];
  const seen = new Set<string>();
  for (const [key, size] of listing) {
    const walName = walEntryPattern.exec(key)?.[1];
    if (walName !== undefined) wal.push(walName);
    if (!manifestPattern.test(key)) continue;
    const cacheKey = `${key}:${String(size)}`;
    seen.add(cacheKey);
    let manifest = cache.get(cacheKey);
    if (manifest === undefined) {
      // A manifest that does not parse fails the run: deleting nothing is the safe answer.
      manifest = parseManifest(await text(await store.get(key, signal)), `${store.name}:${key}`);
      cache.set(cacheKey, manifest);
    }
    const missing = manifest.parts.some((p) => listing.get(p.file) !== p.stored.bytes);
    backups.push({ manifest, missing });
  }
  for (const key of cache.keys()) if (!seen.has(key)) cache.delete(key);
  const plan = planCopyPrune(
    { backups, wal },
    await primaryKeys(options.repositoryDir),
    options.now,
    options.policy,
  );
  for (const manifest of plan.backups) {
    signal.throwIfAborted();
    await store.remove(manifestKey(manifest.id));
    for (const part of manifest.parts) await store.remove(part.file);
  }
  for (const name of plan.wal) {
    signal.throwIfAborted();
    await store.remove(walEntryKey(name));
    await store.remove(`wal/${name}.zst.age`);
  }
  return plan;
}
