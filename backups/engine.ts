/**
 * The backup engine the agent's scheduler and `aidb backup` drive. Every operation that writes
 * to the repository (run, verify, prune, restore) holds the repository lock; a second one at the
 * same time is skipped, never queued. Taking the lock also removes what a crashed run left.
 */
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { RestoreReport, TargetDriver } from './driver.ts';
import { BackupError, reasonOf, type FailureReason } from './errors.ts';
import { acquireLock, type LockOwner } from './lock.ts';
import { stateOf, type Manifest, type Verification } from './manifest.ts';
import type { BackupMetrics } from './metrics.ts';
import type { OnProgress } from './progress.ts';
import type { Listing, Repository } from './repository.ts';
import { planRetention, type RetentionPlan, type RetentionPolicy } from './retention.ts';
import { checkDecryptable } from './pipeline.ts';
import {
  checkRecipients,
  checkStoredFiles,
  createFeed,
  requireIdentity,
  verifyBackup,
  type VerifyContext,
} from './verify.ts';
import { defaultSink, writeBackup } from './write.ts';
import type { WalArchive } from './wal/archive.ts';
import { walToDelete } from './wal/retention.ts';
import type { BackupTarget } from '../catalog/labels.ts';

export interface BackupEngineDeps {
  readonly repository: Repository;
  /** The targets this installation backs up. */
  readonly drivers: Partial<Record<BackupTarget, TargetDriver>>;
  readonly recipients: readonly string[];
  /** Needed to verify and restore; backups are written without them. */
  readonly identities?: readonly string[];
  readonly compressionLevel: number;
  /** Targets written at another level than `compressionLevel` (base backups, with PITR). */
  readonly targetCompressionLevels?: Partial<Record<BackupTarget, number>>;
  readonly retention: RetentionPolicy;
  readonly logger: Logger;
  readonly metrics?: BackupMetrics | undefined;
  /** Tool versions recorded in every manifest (aidb, node, zstd, age-encryption). */
  readonly tools: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  /** Opens the file a part is written to; tests inject a failing one. */
  readonly createSink?: (path: string) => Writable;
  /** The WAL archive, with point-in-time recovery: prune keeps it in step with the bases. */
  readonly wal?: WalArchive | undefined;
}

export type Locked = {
  readonly status: 'skipped';
  readonly reason: 'locked';
  readonly owner: LockOwner | undefined;
};

export type RunOutcome =
  | { readonly status: 'success'; readonly manifest: Manifest; readonly verification: Verification }
  | {
      readonly status: 'failure';
      readonly reason: FailureReason;
      readonly error: Error;
      readonly manifest?: Manifest;
    }
  | Locked;

export type VerifyOutcome =
  | { readonly status: 'done'; readonly manifest: Manifest; readonly verification: Verification }
  | Locked;

export type PruneOutcome =
  | {
      readonly status: 'done';
      readonly plan: RetentionPlan;
      readonly deleted: readonly string[];
      /** WAL files older than every kept base (deleted, or that would be on a dry run). */
      readonly walDeleted: readonly string[];
      readonly dryRun: boolean;
    }
  | Locked;

export type RestoreOutcome =
  ({ readonly status: 'done'; readonly manifest: Manifest } & RestoreReport) | Locked;

export interface OpenReport {
  readonly removed: readonly string[];
  readonly droppedScratch: readonly string[];
  readonly problems: readonly string[];
  /** False when another process held the lock, so nothing was cleaned. */
  readonly cleaned: boolean;
}

export interface BackupEngine {
  readonly targets: readonly BackupTarget[];
  /** Start-up: cleans leftovers (when the lock is free) and rebuilds the metrics from manifests. */
  open(signal?: AbortSignal): Promise<OpenReport>;
  run(target: BackupTarget, signal: AbortSignal, onProgress?: OnProgress): Promise<RunOutcome>;
  verify(
    id: string,
    level: Verification['level'],
    signal: AbortSignal,
    onProgress?: OnProgress,
  ): Promise<VerifyOutcome>;
  prune(options: {
    readonly dryRun: boolean;
    readonly signal?: AbortSignal;
  }): Promise<PruneOutcome>;
  restore(
    id: string,
    destination: string,
    options: {
      readonly force: boolean;
      readonly signal: AbortSignal;
      readonly onProgress?: OnProgress;
    },
  ): Promise<RestoreOutcome>;
  list(): Promise<Listing>;
  /** Lists the repository and sets every gauge derived from it (the agent does so periodically). */
  refresh(): Promise<Listing>;
}

export function createBackupEngine(deps: BackupEngineDeps): BackupEngine {
  const { repository, logger, metrics } = deps;
  const now = deps.now ?? ((): Date => new Date());
  const targets = (Object.keys(deps.drivers) as BackupTarget[]).sort();

  function driverFor(target: BackupTarget): TargetDriver {
    const driver = deps.drivers[target];
    if (driver === undefined) {
      throw new BackupError(
        'other',
        `backups: target ${target} is not configured here (configured: ${targets.join(', ') || 'none'})`,
      );
    }
    return driver;
  }

  async function exclusive<T>(
    purpose: string,
    body: (removed: readonly string[]) => Promise<T>,
  ): Promise<T | Locked> {
    await repository.init();
    const lock = await acquireLock(repository.lockPath, purpose);
    if (!lock.acquired) {
      logger.warn({ purpose, owner: lock.owner }, 'backup repository is busy; skipped');
      return { status: 'skipped', reason: 'locked', owner: lock.owner };
    }
    try {
      if (lock.staleOwner !== undefined)
        logger.warn({ staleOwner: lock.staleOwner }, 'took over a stale backup lock');
      const removed = await repository.cleanup();
      if (removed.length > 0) logger.warn({ removed }, 'removed files left by an interrupted run');
      return await body(removed);
    } finally {
      await lock.release();
    }
  }

  async function pruneWal(
    manifests: readonly Manifest[],
    plan: RetentionPlan,
    dryRun: boolean,
  ): Promise<readonly string[]> {
    if (deps.wal === undefined) return [];
    const deleting = new Set(plan.decisions.filter((d) => d.action === 'delete').map((d) => d.id));
    const kept = manifests.filter((m) => m.wal !== undefined && !deleting.has(m.id));
    const names = (await deps.wal.list()).entries.map((e) => e.name);
    const doomed = walToDelete(names, kept);
    if (!dryRun && doomed.length > 0) {
      await deps.wal.remove(doomed);
      logger.info(
        { files: doomed.length, first: doomed[0], last: doomed.at(-1) },
        'WAL deleted by retention',
      );
    }
    return doomed;
  }

  async function observe(): Promise<Listing> {
    const listing = await repository.list();
    metrics?.observeRepository(listing, await repository.usage());
    return listing;
  }

  const verifyContext = (signal: AbortSignal, onProgress?: OnProgress): VerifyContext => ({
    repository,
    identities: deps.identities ?? [],
    logger,
    now,
    signal,
    onProgress,
  });

  async function verified(
    manifest: Manifest,
    level: Verification['level'],
    signal: AbortSignal,
    onProgress?: OnProgress,
  ) {
    const result = await verifyBackup(
      manifest,
      level,
      driverFor(manifest.target),
      verifyContext(signal, onProgress),
    );
    metrics?.verified(manifest.target, result.verification);
    return result;
  }

  async function backup(
    target: BackupTarget,
    signal: AbortSignal,
    onProgress?: OnProgress,
  ): Promise<RunOutcome> {
    const driver = driverFor(target);
    metrics?.runStarted(target, now());
    let manifest: Manifest | undefined;
    try {
      manifest = await writeBackup(driver, {
        repository,
        recipients: deps.recipients,
        compressionLevel: deps.targetCompressionLevels?.[target] ?? deps.compressionLevel,
        tools: deps.tools,
        now,
        createSink: deps.createSink ?? defaultSink,
        signal,
        onProgress,
      });
      logger.info({ id: manifest.id, parts: manifest.parts.length }, 'backup written');
      const result = await verified(manifest, '1', signal, onProgress);
      manifest = result.manifest;
      if (!result.verification.ok) {
        const error = new BackupError(
          'verify_failed',
          `backups: ${manifest.id} failed verification: ${result.verification.detail ?? ''}`,
        );
        metrics?.runFinished(target, 'failure', 'verify_failed');
        return { status: 'failure', reason: 'verify_failed', error, manifest };
      }
      metrics?.backupWritten(manifest);
      metrics?.runFinished(target, 'success', 'none');
      return { status: 'success', manifest, verification: result.verification };
    } catch (error) {
      const reason = signal.aborted ? 'cancelled' : reasonOf(error);
      logger.error({ err: error, target, reason }, 'backup failed');
      metrics?.runFinished(target, 'failure', reason);
      const failure = error instanceof Error ? error : new Error(String(error));
      return manifest === undefined
        ? { status: 'failure', reason, error: failure }
        : { status: 'failure', reason, error: failure, manifest };
    }
  }

  return {
    targets,
    async open(signal = new AbortController().signal) {
      const opened = await exclusive('open', async (removed) => {
        const droppedScratch: string[] = [];
        for (const target of targets) {
          try {
            droppedScratch.push(...(await driverFor(target).dropLeftovers(signal)));
          } catch (error) {
            // The scratch server may be down at start-up; level 2 drops leftovers before it runs.
            logger.warn({ err: error, target }, 'could not look for level-2 leftovers');
          }
        }
        return { removed, droppedScratch };
      });
      const listing = await observe();
      if ('status' in opened) {
        return { removed: [], droppedScratch: [], problems: listing.problems, cleaned: false };
      }
      return { ...opened, problems: listing.problems, cleaned: true };
    },
    async run(target, signal, onProgress) {
      driverFor(target);
      const outcome = await exclusive(`backup ${target}`, () => backup(target, signal, onProgress));
      if (outcome.status === 'skipped') metrics?.runFinished(target, 'skipped', 'locked');
      await observe();
      return outcome;
    },
    async verify(id, level, signal, onProgress) {
      const outcome = await exclusive(`verify ${id}`, async () => {
        const result = await verified(await repository.read(id), level, signal, onProgress);
        return { status: 'done' as const, ...result };
      });
      await observe();
      return outcome;
    },
    async prune({ dryRun, signal }) {
      const outcome = await exclusive('prune', async () => {
        const { manifests, missing } = await repository.list();
        const candidates = manifests.map((m) => ({
          id: m.id,
          target: m.target,
          startedAt: Date.parse(m.startedAt),
          state: stateOf(m, missing.has(m.id)),
        }));
        const plan = planRetention(candidates, now().getTime(), deps.retention);
        for (const { target, reason } of plan.blocked) {
          logger.warn({ target, reason }, 'retention held deletions back');
          if (!dryRun) metrics?.pruneBlocked(target, reason);
        }
        const deleted: string[] = [];
        if (!dryRun) {
          const byId = new Map(manifests.map((m) => [m.id, m]));
          for (const decision of plan.decisions) {
            const manifest = byId.get(decision.id);
            if (decision.action !== 'delete' || manifest === undefined) continue;
            signal?.throwIfAborted();
            await repository.remove(manifest);
            metrics?.pruned(manifest.target);
            deleted.push(manifest.id);
            logger.info(
              { id: manifest.id, reasons: decision.reasons },
              'backup deleted by retention',
            );
          }
        }
        const walDeleted = await pruneWal(manifests, plan, dryRun);
        return { status: 'done' as const, plan, deleted, walDeleted, dryRun };
      });
      await observe();
      return outcome;
    },
    async restore(id, destination, { force, signal, onProgress }) {
      return exclusive(`restore ${id}`, async () => {
        const manifest = await repository.read(id);
        const driver = driverFor(manifest.target);
        const context = verifyContext(signal, onProgress);
        await checkRecipients(manifest, deps.identities ?? []);
        const feed = createFeed(manifest, context, 'restore');
        await checkStoredFiles(manifest, context);
        for (const part of manifest.parts) {
          await checkDecryptable(
            repository.dataPath(part.file),
            requireIdentity(deps.identities ?? []),
          );
        }
        const report = await driver.restore(manifest, destination, { force, signal, feed });
        logger.info({ id, destination, actions: report.actions }, 'backup restored');
        return { status: 'done' as const, manifest, ...report };
      });
    },
    list: () => repository.list(),
    refresh: observe,
  };
}
