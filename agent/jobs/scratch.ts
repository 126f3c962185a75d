import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives `work` a fresh temporary directory and removes it afterwards, whether the work
 * succeeded, failed or was cancelled.
 */
export async function withScratchDir<T>(
  prefix: string,
  work: (dir: string) => Promise<T>,
  parent: string = tmpdir(),
): Promise<T> {
  const dir = await mkdtemp(join(parent, `${prefix}-`));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
