import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from './api-keys.ts';

/**
 * With no API keys configured, the service makes one admin key and keeps it in the data
 * directory (mode 0600), where the co-located agent and the operator find it: a fresh install
 * is protected without being unusable.
 */
export function localKeyPath(dataDir: string): string {
  return join(dataDir, 'api-key');
}

/** The local key, created on first call; `created` says whether this call made it. */
export async function ensureLocalKey(dataDir: string): Promise<{ key: string; created: boolean }> {
  const path = localKeyPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const key = generateKey();
  try {
    // `wx` fails if another process won the race; then its key is the one.
    await writeFile(path, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return { key, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: (await readFile(path, 'utf8')).trim(), created: false };
  }
}

/** The local key if the service made one (for the agent and the CLI), else undefined. */
export function readLocalKey(dataDir: string): string | undefined {
  try {
    const key = readFileSync(localKeyPath(dataDir), 'utf8').trim();
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}
