/**
 * The WAL archive inside the repository, beside the base backups:
 *
 *   <repository>/wal/<name>.zst.age      the segment or history file, zstd then age
 *   <repository>/wal/<name>.json         its entry: digests of the plain and stored streams
 *   <repository>/wal/.tmp/               files being written
 *
 * Same order as backups: data into .tmp → fsync → rename, then the entry the same way, then the
 * directory fsync. A file counts as archived iff its entry exists. It needs no repository lock:
 * the archiver only adds names no one else writes, and retention only removes older ones.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readDecrypted, writeEncrypted } from '../pipeline.ts';
import { isWalFileName } from './segments.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const stream = z.object({ bytes: z.number().int().min(0), sha256 }).strict();

const entrySchema = z
  .object({
    name: z.string().refine(isWalFileName, 'not a WAL file name'),
    archivedAt: z.iso.datetime(),
    plain: stream,
    stored: stream,
    recipients: z.array(z.string()).min(1),
  })
  .strict();

export type WalEntry = z.output<typeof entrySchema>;

export interface WalArchive {
  readonly dir: string;
  /** Compresses, encrypts and lists one WAL file; returns its entry (the existing one if any). */
  put(path: string, name: string, signal: AbortSignal): Promise<WalEntry>;
  /** Entries by name; unreadable entries are reported, never deleted. */
  list(): Promise<{ readonly entries: readonly WalEntry[]; readonly problems: readonly string[] }>;
  has(name: string): Promise<boolean>;
  /** Decrypts a file into `destination` (atomically: temp file, then rename); false if absent. */
  fetch(name: string, destination: string, signal: AbortSignal): Promise<boolean>;
  /** Deletes entries first, then data. */
  remove(names: readonly string[]): Promise<void>;
  /** Empties .tmp/ and removes data without an entry. */
  cleanup(): Promise<readonly string[]>;
}

export interface WalArchiveOptions {
  readonly repositoryDir: string;
  readonly recipients: readonly string[];
  readonly identities: readonly string[];
  readonly compressionLevel: number;
  readonly now?: () => Date;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function walArchive(options: WalArchiveOptions): WalArchive {
  const dir = join(options.repositoryDir, 'wal');
  const tmp = join(dir, '.tmp');
  const now = options.now ?? ((): Date => new Date());
  const dataFile = (name: string): string => join(dir, `${name}.zst.age`);
  const entryFile = (name: string): string => join(dir, `${name}.json`);

  async function readEntry(name: string): Promise<WalEntry | undefined> {
    let text: string;
    try {
      text = await readFile(entryFile(name), 'utf8');
    } catch {
      return undefined;
    }
    return entrySchema.parse(JSON.parse(text));
  }

  const archive: WalArchive = {
    dir,
    async put(path, name, signal) {
      if (!isWalFileName(name)) throw new Error(`backups: ${name} is not a WAL file name`);
      const existing = await readEntry(name).catch(() => undefined);
      if (existing !== undefined) return existing;
      if (options.recipients.length === 0)
        throw new Error('backups: no recipients to encrypt WAL to (AIDB_BACKUP_RECIPIENTS)');
      await mkdir(tmp, { recursive: true, mode: 0o700 });
      const tempData = join(tmp, `${name}.zst.age`);
      const digests = await writeEncrypted({
        source: createReadStream(path),
        sink: createWriteStream(tempData, { mode: 0o600 }),
        recipients: options.recipients,
        compressionLevel: options.compressionLevel,
        signal,
      });
      await fsyncPath(tempData);
      await rename(tempData, dataFile(name));
      const entry: WalEntry = {
        name,
        archivedAt: now().toISOString(),
        plain: digests.plain,
        stored: digests.stored,
        recipients: [...options.recipients],
      };
      const tempEntry = join(tmp, `${name}.json`);
      const handle = await open(tempEntry, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(entrySchema.parse(entry))}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempEntry, entryFile(name));
      await fsyncPath(dir);
      return entry;
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return { entries: [], problems: [] };
      }
      const entries: WalEntry[] = [];
      const problems: string[] = [];
      for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
        const name = file.slice(0, -'.json'.length);
        try {
          const entry = await readEntry(name);
          if (entry === undefined) continue;
          const size = (await stat(dataFile(name)).catch(() => undefined))?.size;
          if (size !== entry.stored.bytes) {
            problems.push(
              `WAL ${name}: data file ${size === undefined ? 'is gone' : 'has another size'}`,
            );
            continue;
          }
          entries.push(entry);
        } catch (error) {
          problems.push(`WAL ${name}: unreadable entry (${(error as Error).message})`);
        }
      }
      return { entries, problems };
    },
    async has(name) {
      return (await readEntry(name).catch(() => undefined)) !== undefined;
    },
    async fetch(name, destination, signal) {
      const entry = await readEntry(name);
      if (entry === undefined) return false;
      const temp = `${destination}.aidb-fetch`;
      try {
        await readDecrypted({
          path: dataFile(name),
          part: {
            file: `${name}.zst.age`,
            format: 'pg_basebackup-tar',
            plain: entry.plain,
            stored: entry.stored,
            rowCounts: {},
          },
          identities: options.identities,
          consumer: createWriteStream(temp, { mode: 0o600 }),
          signal,
        });
        await rename(temp, destination);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return true;
    },
    async remove(names) {
      for (const name of names) await rm(entryFile(name), { force: true });
      await fsyncPath(dir);
      for (const name of names) await rm(dataFile(name), { force: true });
    },
    async cleanup() {
      const removed: string[] = [];
      await mkdir(tmp, { recursive: true, mode: 0o700 });
      for (const name of await readdir(tmp)) {
        await rm(join(tmp, name), { force: true, recursive: true });
        removed.push(`wal/.tmp/${name}`);
      }
      const files = await readdir(dir);
      const listed = new Set(files.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
      for (const file of files) {
        if (!file.endsWith('.zst.age')) continue;
        if (listed.has(file.slice(0, -'.zst.age'.length))) continue;
        await rm(join(dir, file), { force: true });
        removed.push(`wal/${file}`);
      }
      return removed;
    },
  };
  return archive;
}
