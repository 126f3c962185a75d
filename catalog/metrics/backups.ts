import {
  backupFailureReasons,
  backupStates,
  backupTargets,
  jobResults,
  pruneBlockReasons,
  verificationLevels,
} from '../labels.ts';
import { defineMetric } from '../types.ts';

const target = { target: { values: backupTargets } } as const;

// All of these are rebuilt from the manifests in the repository when the agent starts, so a
// restart does not reset "last success" to nothing and page someone.

export const backupLastSuccess = defineMetric({
  name: 'aidb_backup_last_success_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the last backup of the target finished successfully.',
  labels: target,
  emitters: ['agent'],
});

export const backupLastAttempt = defineMetric({
  name: 'aidb_backup_last_attempt_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the last backup of the target started, whatever its outcome.',
  labels: target,
  emitters: ['agent'],
});

export const backupLastRunOk = defineMetric({
  name: 'aidb_backup_last_run_ok',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the last backup run of the target succeeded (1) or failed (0).',
  labels: target,
  emitters: ['agent'],
  unconsumed:
    'Summarised by aidb_backup_consecutive_failures, which the backup alerts and dashboard read.',
});

/**
 * Added for the alert "last run failed twice" (issue 9): a counter's increase over a window cannot
 * tell two failures in a row from two failures around a success, a streak gauge can.
 */
export const backupConsecutiveFailures = defineMetric({
  name: 'aidb_backup_consecutive_failures',
  kind: 'gauge',
  unit: 'count',
  help: 'Failed backup runs of the target since its last successful one.',
  labels: target,
  emitters: ['agent'],
});

export const backupRuns = defineMetric({
  name: 'aidb_backup_runs_total',
  kind: 'counter',
  unit: 'count',
  help: 'Backup runs by target, result and failure reason (`none` on success).',
  labels: { ...target, result: { values: jobResults }, reason: { values: backupFailureReasons } },
  emitters: ['agent'],
});

export const backupLastDuration = defineMetric({
  name: 'aidb_backup_last_duration_seconds',
  kind: 'gauge',
  unit: 'seconds',
  help: 'Duration of the last successful backup of the target.',
  labels: target,
  emitters: ['agent'],
});

export const backupLastSize = defineMetric({
  name: 'aidb_backup_last_size_bytes',
  kind: 'gauge',
  unit: 'bytes',
  help: 'Size of the last successful backup: the plain dump and the stored (compressed, encrypted) file.',
  labels: { ...target, stream: { values: ['plain', 'stored'] } },
  emitters: ['agent'],
});

export const backupInProgress = defineMetric({
  name: 'aidb_backup_in_progress',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether a backup of the target is running (1) or not (0).',
  labels: target,
  emitters: ['agent'],
  unconsumed:
    'Run detail for ad-hoc queries; a run that never ends shows as a stale last success, which is alerted.',
});

export const backupVerificationOk = defineMetric({
  name: 'aidb_backup_verification_ok',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the last verification at this level passed (1) or failed (0).',
  labels: { ...target, level: { values: verificationLevels } },
  emitters: ['agent'],
});

export const backupLastVerification = defineMetric({
  name: 'aidb_backup_last_verification_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When a backup of the target was last verified at this level, whatever the result.',
  labels: { ...target, level: { values: verificationLevels } },
  emitters: ['agent'],
});

export const backupsStored = defineMetric({
  name: 'aidb_backups',
  kind: 'gauge',
  unit: 'count',
  help: 'Backups in the repository, by target and state.',
  labels: { ...target, state: { values: backupStates } },
  emitters: ['agent'],
});

export const backupOldest = defineMetric({
  name: 'aidb_backup_oldest_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'Start time of the oldest backup of the target kept in the repository.',
  labels: target,
  emitters: ['agent'],
  unconsumed:
    'Retention detail for ad-hoc queries; retention problems are alerted through aidb_backup_prune_blocked_total.',
});

export const backupRepositorySize = defineMetric({
  name: 'aidb_backup_repository_size_bytes',
  kind: 'gauge',
  unit: 'bytes',
  help: 'Bytes used by backups in the repository.',
  labels: {},
  emitters: ['agent'],
});

export const backupRepositoryFree = defineMetric({
  name: 'aidb_backup_repository_free_bytes',
  kind: 'gauge',
  unit: 'bytes',
  help: 'Free bytes on the file system of the repository.',
  labels: {},
  emitters: ['agent'],
});

export const backupPruneDeleted = defineMetric({
  name: 'aidb_backup_prune_deleted_total',
  kind: 'counter',
  unit: 'count',
  help: 'Backups deleted by retention.',
  labels: target,
  emitters: ['agent'],
});

export const backupPruneBlocked = defineMetric({
  name: 'aidb_backup_prune_blocked_total',
  kind: 'counter',
  unit: 'count',
  help: 'Prune runs that refused to delete, by the safety rule that stopped them.',
  labels: { ...target, reason: { values: pruneBlockReasons } },
  emitters: ['agent'],
});

export const backupMetrics = [
  backupLastSuccess,
  backupLastAttempt,
  backupLastRunOk,
  backupConsecutiveFailures,
  backupRuns,
  backupLastDuration,
  backupLastSize,
  backupInProgress,
  backupVerificationOk,
  backupLastVerification,
  backupsStored,
  backupOldest,
  backupRepositorySize,
  backupRepositoryFree,
  backupPruneDeleted,
  backupPruneBlocked,
];
