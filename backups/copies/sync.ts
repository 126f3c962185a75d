/**
 * Brings one copy up to date with the primary repository: every complete backup (its data
 * files, then its manifest) and every archived WAL file (data, then entry) the copy lacks is
 * uploaded and read back to check its SHA-256, oldest first, so a copy is always a consistent,
 * possibly older, repository. Nothing is deleted here (a copy's retention is prune.ts's).
 * Failures are the caller's to report: a copy being down never touches the primary.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { checkFailed } from '../errors.ts';
import { createRepository } from '../repository.ts';
import { walArchive } from '../wal/archive.ts';
import type { CopyStore } from './store.ts';

export interface Item {
  /** Data keys first, the listing key (manifest or entry) last. */
  readonly files: readonly { key: string; sha256: string }[];
  readonly completedAt: number;
}

async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function sha256OfStream(store: CopyStore, key: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    await store.get(key, signal),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback();
      },
    }),
    { signal },
  );
  return hash.digest('hex');
}

/** What the primary holds, oldest first. */
export async function primaryItems(repositoryDir: string): Promise<Item[]> {
  const repository = createRepository(repositoryDir);
  const { manifests, missing } = await repository.list();
  const items: Item[] = [];
  for (const manifest of manifests) {
    if (missing.has(manifest.id)) continue;
    const manifestKey = `${manifest.id}.manifest.json`;
    items.push({
      files: [
        ...manifest.parts.map((part) => ({ key: part.file, sha256: part.stored.sha256 })),
        { key: manifestKey, sha256: await sha256OfFile(join(repositoryDir, manifestKey)) },
      ],
      completedAt: Date.parse(manifest.finishedAt),
    });
  }
  const wal = walArchive({ repositoryDir, recipients: [], identities: [], compressionLevel: 3 });
  for (const entry of (await wal.list()).entries) {
    const entryKey = `wal/${entry.name}.json`;
    items.push({
      files: [
        { key: `wal/${entry.name}.zst.age`, sha256: entry.stored.sha256 },
        { key: entryKey, sha256: await sha256OfFile(join(repositoryDir, entryKey)) },
      ],
      completedAt: Date.parse(entry.archivedAt),
    });
  }
  return items.sort((a, b) => a.completedAt - b.completedAt);
}

/** Copies what the copy lacks; returns the keys copied. Throws at the first failure. */
export async function syncCopy(
  repositoryDir: string,
  store: CopyStore,
  signal: AbortSignal,
): Promise<readonly string[]> {
  const present = new Map(await store.list());
  const copied: string[] = [];
  for (const item of await primaryItems(repositoryDir)) {
    for (const { key, sha256 } of item.files) {
      signal.throwIfAborted();
      const local = join(repositoryDir, key);
      const bytes = (await stat(local)).size;
      if (present.get(key) === bytes) continue;
      await store.put(key, local, bytes, signal);
      const stored = await sha256OfStream(store, key, signal);
      if (stored !== sha256) {
        await store.remove(key).catch(() => undefined);
        throw checkFailed(
          'copy_sha256_mismatch',
          `copy ${store.name}: ${key} reads back with SHA-256 ${stored}, expected ${sha256}`,
        );
      }
      present.set(key, bytes);
      copied.push(key);
    }
  }
  return copied;
}

/** Downloads a whole copy into `dir`, which then serves as the repository (`--repository`). */
export async function downloadCopy(
  store: CopyStore,
  dir: string,
  signal: AbortSignal,
): Promise<number> {
  let count = 0;
  const keys = [...(await store.list()).keys()];
  // Listings last, as the repository writes them: an interrupted download leaves orphans only.
  const order = (key: string): number => (key.endsWith('.json') ? 1 : 0);
  for (const key of keys.sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    const path = join(dir, key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await pipeline(
      await store.get(key, signal),
      createWriteStream(`${path}.part`, { mode: 0o600 }),
      {
        signal,
      },
    );
    await rename(`${path}.part`, path);
    count += 1;
  }
  return count;
}
