/** A copy on another filesystem (another volume, an NFS mount): the repository's layout. */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CopyStore } from './store.ts';

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function walk(dir: string, prefix: string, out: Map<string, number>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cause;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isDirectory()) await walk(path, `${prefix}${name}/`, out);
    else out.set(`${prefix}${name}`, info.size);
  }
}

export function pathStore(name: string, dir: string): CopyStore {
  const tmp = join(dir, '.tmp');
  return {
    name,
    description: dir,
    async list() {
      const out = new Map<string, number>();
      await walk(dir, '', out);
      return out;
    },
    async put(key, localPath) {
      await mkdir(tmp, { recursive: true, mode: 0o700 });
      const temp = join(tmp, key.replaceAll('/', '_'));
      await copyFile(localPath, temp);
      await fsync(temp);
      const final = join(dir, key);
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      await rename(temp, final);
      await fsync(dirname(final));
    },
    get: (key) => Promise.resolve(createReadStream(join(dir, key))),
    async remove(key) {
      await rm(join(dir, key), { force: true });
    },
  };
}
