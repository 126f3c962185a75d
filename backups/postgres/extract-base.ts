import { mkdir } from 'node:fs/promises';
import { runChild } from '../child.ts';
import type { Feed } from '../driver.ts';
import type { Manifest } from '../manifest.ts';

/** Extracts a base backup's tar into a directory (`tar -x` from the stream, no file between). */
export async function extractBase(
  manifest: Manifest,
  destination: string,
  feed: Feed,
  signal: AbortSignal,
): Promise<string[]> {
  await mkdir(destination, { recursive: true, mode: 0o700 });
  const actions: string[] = [];
  for (const part of manifest.parts) {
    const tar = runChild({
      command: 'tar',
      args: ['--extract', '--file=-', '--no-same-owner', `--directory=${destination}`],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      reason: 'other',
      signal,
      missing: 'backups: tar not found on PATH; install it (Debian package tar)',
    });
    tar.stdout.resume();
    await feed(part, { stream: tar.stdin, done: tar.done });
    actions.push(`extracted ${part.file} into ${destination}`);
  }
  return actions;
}
