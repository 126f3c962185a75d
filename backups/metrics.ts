/**
 * The backup metrics of the catalog, recorded through the agent's CatalogMeter. Gauges are
 * rebuilt from the manifests when the engine opens (`observeRepository`), so a restart of the
 * agent does not reset "last success" and page someone.
 */
import {
  backupInProgress,
  backupLastAttempt,
  backupLastDuration,
  backupLastRunOk,
  backupLastSize,
  backupLastSuccess,
  backupLastVerification,
  backupConsecutiveFailures,
  backupOldest,
  backupPruneBlocked,
  backupPruneDeleted,
  backupRepositoryFree,
  backupRepositorySize,
  backupRuns,
  backupsStored,
  backupVerificationOk,
} from '../catalog/metrics/backups.ts';
import {
  backupStates,
  type BackupFailureReason,
  type JobResult,
  type BackupTarget,
  type PruneBlockReason,
} from '../catalog/labels.ts';
import type { CatalogMeter } from '../lib/telemetry/catalog-meter.ts';
import { lastVerification, stateOf, type Manifest, type Verification } from './manifest.ts';
import type { Listing } from './repository.ts';

const seconds = (iso: string): number => Date.parse(iso) / 1000;

export interface BackupMetrics {
  runStarted(target: BackupTarget, at: Date): void;
  runFinished(target: BackupTarget, result: JobResult, reason: BackupFailureReason): void;
  /** A backup that was written: its duration and sizes, and success time. */
  backupWritten(manifest: Manifest): void;
  verified(target: BackupTarget, verification: Verification): void;
  pruned(target: BackupTarget): void;
  pruneBlocked(target: BackupTarget, reason: PruneBlockReason): void;
  /** Sets every gauge derived from the repository's content. */
  observeRepository(
    listing: Pick<Listing, 'manifests' | 'missing'>,
    usage: { readonly bytes: number; readonly freeBytes: number },
  ): void;
}

export function createBackupMetrics(
  meter: CatalogMeter,
  targets: readonly BackupTarget[],
): BackupMetrics {
  const lastSuccess = meter.gauge(backupLastSuccess);
  const lastAttempt = meter.gauge(backupLastAttempt);
  const lastRunOk = meter.gauge(backupLastRunOk);
  const consecutiveFailures = meter.gauge(backupConsecutiveFailures);
  const runs = meter.counter(backupRuns);
  const lastDuration = meter.gauge(backupLastDuration);
  const lastSize = meter.gauge(backupLastSize);
  const inProgress = meter.gauge(backupInProgress);
  const verificationOk = meter.gauge(backupVerificationOk);
  const lastVerified = meter.gauge(backupLastVerification);
  const stored = meter.gauge(backupsStored);
  const oldest = meter.gauge(backupOldest);
  const repositorySize = meter.gauge(backupRepositorySize);
  const repositoryFree = meter.gauge(backupRepositoryFree);
  const deleted = meter.counter(backupPruneDeleted);
  const blocked = meter.counter(backupPruneBlocked);

  // Failure streaks per target. A failed run leaves no manifest, so after a restart the streak
  // can only be rebuilt from backups whose verification failed; runs of this process are exact.
  const streaks = new Map<BackupTarget, number>();
  // Targets that ran in this process: their "last run" gauges come from the run, not from the
  // newest manifest, which would hide a failure that wrote nothing behind an older success.
  const ran = new Set<BackupTarget>();

  // Counters appear only after their first add(): create the series a dashboard expects.
  for (const target of targets) {
    runs.add(0, { target, result: 'success', reason: 'none' });
    deleted.add(0, { target });
    // A counter born at 1 has no earlier sample, so increase() would miss the first blocked prune.
    blocked.zero({ target: [target] });
    inProgress.record(0, { target });
    consecutiveFailures.record(0, { target });
  }

  const written = (manifest: Manifest): void => {
    const { target } = manifest;
    const sum = (stream: 'plain' | 'stored'): number =>
      manifest.parts.reduce((total, part) => total + part[stream].bytes, 0);
    lastSuccess.record(seconds(manifest.finishedAt), { target });
    lastDuration.record(seconds(manifest.finishedAt) - seconds(manifest.startedAt), { target });
    lastSize.record(sum('plain'), { target, stream: 'plain' });
    lastSize.record(sum('stored'), { target, stream: 'stored' });
  };
  const verified = (target: BackupTarget, verification: Verification): void => {
    const labels = { target, level: verification.level };
    verificationOk.record(verification.ok ? 1 : 0, labels);
    lastVerified.record(seconds(verification.at), labels);
  };

  return {
    runStarted(target, at) {
      ran.add(target);
      lastAttempt.record(at.getTime() / 1000, { target });
      inProgress.record(1, { target });
    },
    runFinished(target, result, reason) {
      runs.add(1, { target, result, reason });
      if (result !== 'skipped') {
        inProgress.record(0, { target });
        lastRunOk.record(result === 'success' ? 1 : 0, { target });
        const streak = result === 'success' ? 0 : (streaks.get(target) ?? 0) + 1;
        streaks.set(target, streak);
        consecutiveFailures.record(streak, { target });
      }
    },
    backupWritten(manifest) {
      written(manifest);
      // The manifest's own start, not the engine's clock read a moment before it: both name
      // the same attempt, and dashboards join them.
      lastAttempt.record(seconds(manifest.startedAt), { target: manifest.target });
    },
    verified,
    pruned(target) {
      deleted.add(1, { target });
    },
    pruneBlocked(target, reason) {
      blocked.add(1, { target, reason });
    },
    observeRepository({ manifests, missing }, usage) {
      const state = (m: Manifest) => stateOf(m, missing.has(m.id));
      repositorySize.record(usage.bytes, {});
      repositoryFree.record(usage.freeBytes, {});
      const present = new Set([...targets, ...manifests.map((m) => m.target)]);
      for (const target of present) {
        const mine = manifests.filter((m) => m.target === target);
        for (const s of backupStates) {
          stored.record(mine.filter((m) => state(m) === s).length, { target, state: s });
        }
        const first = mine[0];
        if (first !== undefined) oldest.record(seconds(first.startedAt), { target });
        const newest = mine.at(-1);
        if (newest === undefined) continue;
        if (!ran.has(target)) {
          lastAttempt.record(seconds(newest.startedAt), { target });
          lastRunOk.record(stateOf(newest) === 'failed' ? 0 : 1, { target });
          const lastGood = mine.findLastIndex((m) => stateOf(m) !== 'failed');
          const streak = mine.length - 1 - lastGood;
          streaks.set(target, streak);
          consecutiveFailures.record(streak, { target });
        }
        const good = mine.filter((m) => stateOf(m) !== 'failed').at(-1);
        if (good !== undefined) written(good);
        for (const level of ['1', '2'] as const) {
          const latest = mine
            .map((m) => lastVerification(m, level))
            .filter((v): v is Verification => v !== undefined)
            .sort((a, b) => a.at.localeCompare(b.at))
            .at(-1);
          if (latest !== undefined) verified(target, latest);
        }
      }
    },
  };
}
