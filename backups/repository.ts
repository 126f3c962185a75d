/**
 * The repository on disk. Layout (also in README.md, "Backups"):
 *
 *   <repository>/
 *     .lock                              owner of the current run (lock.ts)
 *     .tmp/                              files being written; emptied whenever the lock is taken
 *     <id>.manifest.json                 the backup's manifest: it exists iff the backup does
 *     <id>.<part>.zst.age                data: zstd-compressed, age-encrypted
 *
 * Order of writes: data into .tmp/ → fsync → rename beside the manifests → manifest into .tmp/ →
 * fsync → rename → fsync the directory. Order of deletion: manifest first, then its data, so no
 * manifest ever names missing data; data left without a manifest by a crash is an orphan and is
 * removed with the next lock.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError } from './errors.ts';
import { parseManifest, serializeManifest, type Manifest } from './manifest.ts';

const manifestSuffix = '.manifest.json';
const idPattern = /^([a-z]+-\d{8}T\d{9}Z)\./;

export interface Listing {
  readonly manifests: readonly Manifest[];
  /** Manifests that could not be read, with the reason: reported, never deleted. */
  readonly problems: readonly string[];
  /** Backups with a data file gone or of another size than recorded, by id: what is wrong. */
  readonly missing: ReadonlyMap<string, string>;
}

export interface Repository {
  readonly dir: string;
  readonly lockPath: string;
  init(): Promise<void>;
  readonly tempPath: (name: string) => string;
  readonly dataPath: (file: string) => string;
  /** Manifests oldest first, each part checked to exist with its recorded size. */
  list(): Promise<Listing>;
  read(id: string): Promise<Manifest>;
  /** Moves a finished temp file beside the manifests, durably. */
  commitData(tempName: string, file: string): Promise<void>;
  writeManifest(manifest: Manifest): Promise<void>;
  /** Deletes a backup: manifest first, then its data. */
  remove(manifest: Manifest): Promise<void>;
  /** Empties .tmp/ and removes data without a manifest; returns what it removed. Needs the lock. */
  cleanup(): Promise<readonly string[]>;
  usage(): Promise<{ readonly bytes: number; readonly freeBytes: number }>;
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function createRepository(dir: string): Repository {
  const tmpDir = join(dir, '.tmp');
  const manifestPath = (id: string): string => join(dir, `${id}${manifestSuffix}`);

  async function manifestIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (cause) {
      // A mistyped path or a repository never written: one line naming the setting, no errno.
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      throw new BackupError(
        'other',
        `backups: no backup repository at ${dir}; set AIDB_BACKUP_REPOSITORY (or pass --repository) to where the backups are`,
        { cause },
      );
    }
    return names
      .filter((name) => name.endsWith(manifestSuffix))
      .map((name) => name.slice(0, -manifestSuffix.length))
      .sort();
  }

  /** The first part of a manifest whose file is not there as recorded (a `stat` each). */
  async function missingPart(manifest: Manifest): Promise<string | undefined> {
    for (const part of manifest.parts) {
      let size: number;
      try {
        size = (await stat(join(dir, part.file))).size;
      } catch {
        return `${part.file} is gone`;
      }
      if (size !== part.stored.bytes)
        return `${part.file} has ${String(size)} bytes, the manifest records ${String(part.stored.bytes)}`;
    }
    return undefined;
  }

  const repository: Repository = {
    dir,
    lockPath: join(dir, '.lock'),
    async init() {
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    },
    tempPath: (name) => join(tmpDir, name),
    dataPath: (file) => join(dir, file),
    async list() {
      const manifests: Manifest[] = [];
      const problems: string[] = [];
      for (const id of await manifestIds()) {
        try {
          manifests.push(await repository.read(id));
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
      manifests.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
      const missing = new Map<string, string>();
      for (const manifest of manifests) {
        const gone = await missingPart(manifest);
        if (gone !== undefined) missing.set(manifest.id, gone);
      }
      return { manifests, problems, missing };
    },
    async read(id) {
      let text: string;
      try {
        text = await readFile(manifestPath(id), 'utf8');
      } catch (cause) {
        throw new Error(`backups: no backup ${id} in ${dir}`, { cause });
      }
      return parseManifest(text, `${id}${manifestSuffix}`);
    },
    async commitData(tempName, file) {
      await fsyncPath(join(tmpDir, tempName));
      await rename(join(tmpDir, tempName), join(dir, file));
    },
    async writeManifest(manifest) {
      const temp = join(tmpDir, `${manifest.id}${manifestSuffix}`);
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(serializeManifest(manifest));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, manifestPath(manifest.id));
      await fsyncPath(dir);
    },
    async remove(manifest) {
      await unlink(manifestPath(manifest.id));
      await fsyncPath(dir);
      for (const part of manifest.parts) await rm(join(dir, part.file), { force: true });
    },
    async cleanup() {
      const removed: string[] = [];
      for (const name of await readdir(tmpDir)) {
        await rm(join(tmpDir, name), { recursive: true, force: true });
        removed.push(`.tmp/${name}`);
      }
      const live = new Set(await manifestIds());
      for (const name of await readdir(dir)) {
        const id = idPattern.exec(name)?.[1];
        if (id === undefined || live.has(id) || name.endsWith(manifestSuffix)) continue;
        await rm(join(dir, name), { force: true });
        removed.push(name);
      }
      return removed;
    },
    async usage() {
      let bytes = 0;
      for (const name of await readdir(dir)) {
        if (idPattern.test(name)) bytes += (await stat(join(dir, name))).size;
      }
      const fs = await statfs(dir);
      return { bytes, freeBytes: fs.bavail * fs.bsize };
    },
  };
  return repository;
}
