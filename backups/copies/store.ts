/**
 * Where a copy of the repository lives. Keys are the repository's own relative paths
 * (`<id>.manifest.json`, `<id>.dump.zst.age`, `wal/<name>.json`, …), so a filesystem copy is
 * itself a repository `--repository` can point at.
 */
import type { Readable } from 'node:stream';

export interface CopyStore {
  readonly name: string;
  /** For logs and messages; never a credential. */
  readonly description: string;
  /** Every key with its size. */
  list(): Promise<ReadonlyMap<string, number>>;
  /** Uploads a local file under `key`; what is there is replaced only once complete. */
  put(key: string, localPath: string, bytes: number, signal: AbortSignal): Promise<void>;
  get(key: string, signal: AbortSignal): Promise<Readable>;
  remove(key: string): Promise<void>;
}
