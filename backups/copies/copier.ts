/**
 * Keeps every configured copy up to date (sync.ts), one sync at a time: a request during a sync
 * runs one more sync after it, so nothing completed is left behind and nothing runs twice at
 * once. Each copy is synced on its own: one down delays only itself, and never the primary.
 * After a successful sync, a copy with its own retention is pruned (prune.ts).
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import { retentionPolicy } from '../from-config.ts';
import type { Manifest } from '../manifest.ts';
import type { RetentionPolicy } from '../retention.ts';
import { pruneCopy, type ManifestCache } from './prune.ts';
import { primaryItems, syncCopy } from './sync.ts';
import type { CopyStore } from './store.ts';

export interface CopyOutcome {
  readonly copy: string;
  readonly ok: boolean;
  readonly copied: number;
  /** Seconds since the oldest item the copy lacks was completed; 0 when up to date. */
  readonly lagSeconds: number;
  /** Backups and WAL files the copy's retention deleted after the sync. */
  readonly pruned: { readonly backups: readonly string[]; readonly wal: number };
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

/**
 * Each copy's retention policy, by name: the primary's overlaid with the copy's own keeps (each
 * at least the primary's, config load checks). A copy without `retention` deletes nothing.
 */
export function copyPolicies(config: Config): ReadonlyMap<string, RetentionPolicy> {
  const primary = retentionPolicy(config);
  const out = new Map<string, RetentionPolicy>();
  for (const { name, retention } of config.backups.copies) {
    if (retention === undefined) continue;
    out.set(name, {
      ...primary,
      daily: retention.daily ?? primary.daily,
      weekly: retention.weekly ?? primary.weekly,
      monthly: retention.monthly ?? primary.monthly,
      minVerified: retention.minVerified ?? primary.minVerified,
      maxDeletions: retention.maxDeletions ?? primary.maxDeletions,
      gracePeriodMs:
        retention.gracePeriodDays === undefined
          ? primary.gracePeriodMs
          : retention.gracePeriodDays * 86_400_000,
    });
  }
  return out;
}

export function createCopier(options: {
  readonly repositoryDir: string;
  readonly stores: readonly CopyStore[];
  /** Copies absent here delete nothing. */
  readonly policies?: ReadonlyMap<string, RetentionPolicy>;
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
  const caches = new Map<string, ManifestCache>();
  const none = { backups: [], wal: 0 } as const;

  /** Never throws: a copy that cannot be pruned now is pruned at a later sync. */
  async function prune(store: CopyStore, signal: AbortSignal): Promise<CopyOutcome['pruned']> {
    const policy = options.policies?.get(store.name);
    if (policy === undefined) return none;
    const cache: ManifestCache = caches.get(store.name) ?? new Map<string, Manifest>();
    caches.set(store.name, cache);
    try {
      const plan = await pruneCopy({ repositoryDir, store, policy, now: now(), cache, signal });
      if (plan.blocked.length > 0)
        logger.warn(
          { copy: store.name, reasons: plan.blocked },
          'backups: copy retention held deletions back',
        );
      const ids = plan.backups.map((m) => m.id);
      if (ids.length + plan.wal.length > 0)
        logger.info(
          {
            copy: store.name,
            backups: ids,
            walFiles: plan.wal.length,
            firstWal: plan.wal[0],
            lastWal: plan.wal.at(-1),
          },
          'backups: copy pruned by its retention',
        );
      return { backups: ids, wal: plan.wal.length };
    } catch (error) {
      logger.warn(
        { copy: store.name, err: error },
        'backups: copy retention failed; retried at the next sync',
      );
      return none;
    }
  }

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
        outcome = {
          copy: store.name,
          ok: true,
          copied: copied.length,
          lagSeconds: 0,
          pruned: await prune(store, signal),
        };
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
          pruned: none,
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
