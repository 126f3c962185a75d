/**
 * Keeps every configured copy up to date (sync.ts), one sync at a time: a request during a sync
 * runs one more sync after it, so nothing completed is left behind and nothing runs twice at
 * once. Each copy is synced on its own: one down delays only itself, and never the primary.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import { primaryItems, syncCopy } from './sync.ts';
import type { CopyStore } from './store.ts';

export interface CopyOutcome {
  readonly copy: string;
  readonly ok: boolean;
  readonly copied: number;
  /** Seconds since the oldest item the copy lacks was completed; 0 when up to date. */
  readonly lagSeconds: number;
  readonly error?: string;
}

export interface Copier {
  readonly stores: readonly CopyStore[];
  /** Syncs every copy (or joins the sync running now and one after it). */
  sync(signal: AbortSignal): Promise<readonly CopyOutcome[]>;
}

export async function storesFromConfig(config: Config): Promise<CopyStore[]> {
  const stores: CopyStore[] = [];
  for (const copy of config.backups.copies) {
    if (copy.kind === 'path') {
      const { pathStore } = await import('./path-store.ts');
      stores.push(pathStore(copy.name, copy.path));
    } else {
      // Loaded only when an S3 copy is configured: the SDK is large.
      const { s3Store } = await import('./s3-store.ts');
      stores.push(s3Store(copy));
    }
  }
  return stores;
}

export function createCopier(options: {
  readonly repositoryDir: string;
  readonly stores: readonly CopyStore[];
  readonly logger: Logger;
  readonly onOutcome?: (outcome: CopyOutcome) => void;
  readonly now?: () => number;
}): Copier {
  const { repositoryDir, stores, logger } = options;
  const now = options.now ?? Date.now;
  /** Per copy: completion time of the newest item known copied. */
  const copiedThrough = new Map<string, number>();
  let tail: Promise<unknown> = Promise.resolve();
  let pending: Promise<readonly CopyOutcome[]> | undefined;

  async function lagOf(store: CopyStore): Promise<number> {
    const through = copiedThrough.get(store.name) ?? -Infinity;
    const pending = (await primaryItems(repositoryDir)).find((i) => i.completedAt > through);
    return pending === undefined ? 0 : Math.max(0, (now() - pending.completedAt) / 1000);
  }

  async function once(signal: AbortSignal): Promise<readonly CopyOutcome[]> {
    const outcomes: CopyOutcome[] = [];
    for (const store of stores) {
      const startedAt = now();
      const newest = (await primaryItems(repositoryDir)).at(-1)?.completedAt;
      let outcome: CopyOutcome;
      try {
        const copied = await syncCopy(repositoryDir, store, signal);
        if (newest !== undefined) copiedThrough.set(store.name, newest);
        outcome = { copy: store.name, ok: true, copied: copied.length, lagSeconds: 0 };
        if (copied.length > 0)
          logger.info(
            { copy: store.name, files: copied.length, ms: now() - startedAt },
            'backups: copy synced',
          );
      } catch (error) {
        const message = (error as Error).message;
        logger.warn(
          { copy: store.name, where: store.description, err: error },
          'backups: copy failed; retried at the next sync',
        );
        outcome = {
          copy: store.name,
          ok: false,
          copied: 0,
          lagSeconds: await lagOf(store),
          error: message,
        };
      }
      options.onOutcome?.(outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  return {
    stores,
    sync(signal) {
      // Callers while a sync waits to start join it; once it starts, a new request queues
      // another, which will see whatever completed in the meantime.
      if (pending !== undefined) return pending;
      const next = tail.then(() => {
        pending = undefined;
        return once(signal);
      });
      pending = next;
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
