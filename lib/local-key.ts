import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from './api-keys.ts';

/** The file of the service's local key, inside the data directory. */
export const serviceKeyFile = 'api-key';
/** The file of the agent's local key: the agent's endpoint has keys of its own. */
export const agentKeyFile = 'agent-key';

/**
 * With no API keys configured, the service (and the agent, for its own endpoint) makes one
 * admin key and keeps it in the data directory (mode 0600), where the co-located processes and
 * the operator find it: a fresh install is protected without being unusable.
 */
export function localKeyPath(dataDir: string, file: string = serviceKeyFile): string {
  return join(dataDir, file);
}

/** The local key, created on first call; `created` says whether this call made it. */
export async function ensureLocalKey(
  dataDir: string,
  file: string = serviceKeyFile,
): Promise<{ key: string; created: boolean }> {
  const path = localKeyPath(dataDir, file);
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

/** A local key if its process made one (for the other process and the CLI), else undefined. */
export function readLocalKey(dataDir: string, file: string = serviceKeyFile): string | undefined {
  try {
    const key = readFileSync(localKeyPath(dataDir, file), 'utf8').trim();
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}
