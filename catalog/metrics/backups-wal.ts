import { defineMetric } from '../types.ts';

// Point-in-time recovery (continuous WAL archiving) and copies elsewhere (issue 19). Exported by
// the agent only when `backups.pitr.enabled` / `backups.copies` are configured.

export const walLastArchived = defineMetric({
  name: 'aidb_backup_wal_last_archived_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'The recovery point: when the newest WAL file was archived (compressed, encrypted, checksummed, listed), or the last check that found nothing written since; time() minus it is what a failure now would lose.',
  labels: {},
  emitters: ['agent'],
});

export const walRpoTarget = defineMetric({
  name: 'aidb_backup_wal_rpo_target_seconds',
  kind: 'gauge',
  unit: 'seconds',
  help: 'The recovery point objective the operator set (backups.pitr.rpoTargetSeconds).',
  labels: {},
  emitters: ['agent'],
});

export const walArchived = defineMetric({
  name: 'aidb_backup_wal_archived_total',
  kind: 'counter',
  unit: 'count',
  help: 'WAL files (segments and timeline histories) archived by this agent.',
  labels: {},
  emitters: ['agent'],
});

export const walStreaming = defineMetric({
  name: 'aidb_backup_wal_streaming',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether this agent streams WAL through the replication slot now (1) or not (0); one agent of a deployment does.',
  labels: {},
  emitters: ['agent'],
});

export const walSlotRetained = defineMetric({
  name: 'aidb_backup_wal_slot_retained_bytes',
  kind: 'gauge',
  unit: 'bytes',
  help: 'WAL the replication slot keeps on the database server: what is not yet confirmed archived. It grows until the disk fills if nothing consumes the slot.',
  labels: {},
  emitters: ['agent'],
});

/** Thresholds the alerts and the dashboard share. */
export const copyLagAlertSeconds = 6 * 3600;
export const slotRetainedPageBytes = 1024 ** 3;

const copy = { copy: { boundedBy: 'configuredCopy' } } as const;

export const copyLag = defineMetric({
  name: 'aidb_backup_copy_lag_seconds',
  kind: 'gauge',
  unit: 'seconds',
  help: 'Age of the oldest completed backup or WAL file the copy still lacks; 0 when it is up to date.',
  labels: copy,
  emitters: ['agent'],
});

export const copyLastSuccess = defineMetric({
  name: 'aidb_backup_copy_last_success_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the copy was last brought fully up to date, every file read back and checked.',
  labels: copy,
  emitters: ['agent'],
});

export const copyPruned = defineMetric({
  name: 'aidb_backup_copy_pruned_total',
  kind: 'counter',
  unit: 'count',
  help: 'Backups the copy’s own retention deleted: ones the primary no longer holds and the copy’s policy (at least the primary’s) drops.',
  labels: copy,
  emitters: ['agent'],
});

export const backupWalMetrics = [
  walLastArchived,
  walRpoTarget,
  walArchived,
  walStreaming,
  walSlotRetained,
  copyLag,
  copyLastSuccess,
  copyPruned,
];
