import {
  backupLastDuration,
  backupLastSize,
  backupLastSuccess,
  backupLastVerification,
  backupPruneBlocked,
  backupPruneDeleted,
  backupRepositoryFree,
  backupRepositorySize,
  backupRuns,
  backupsStored,
  backupVerificationOk,
} from '../../catalog/metrics/backups.ts';
import {
  copyLag,
  copyLastSuccess,
  copyPruned,
  walArchived,
  walLastArchived,
  walRpoTarget,
  walSlotRetained,
  walStreaming,
} from '../../catalog/metrics/backups-wal.ts';
import {
  dashboardScope,
  increase,
  max,
  min,
  rateInterval,
  selectors,
  sub,
  sum,
  time,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);

export const backupQueries = {
  sinceSuccess: sub(time(), max(['target'], s.gauge(backupLastSuccess))),
  duration: max(['target'], s.gauge(backupLastDuration)),
  size: max(['target', 'stream'], s.gauge(backupLastSize)),
  runs: sum(['target', 'result', 'reason'], increase(s.counter(backupRuns), rateInterval)),
  verification: min(['target', 'level'], s.gauge(backupVerificationOk)),
  sinceVerification: sub(time(), max(['target', 'level'], s.gauge(backupLastVerification))),
  stored: max(['target', 'state'], s.gauge(backupsStored)),
  free: min([], s.gauge(backupRepositoryFree)),
  used: max([], s.gauge(backupRepositorySize)),
  pruned: sum(['target'], increase(s.counter(backupPruneDeleted), rateInterval)),
  pruneBlocked: sum(['target', 'reason'], increase(s.counter(backupPruneBlocked), rateInterval)),
  copyPruned: sum(['copy'], increase(s.counter(copyPruned), rateInterval)),
  recoveryPointAge: sub(time(), max([], s.gauge(walLastArchived))),
  rpoTarget: max([], s.gauge(walRpoTarget)),
  walArchived: sum([], increase(s.counter(walArchived), rateInterval)),
  walStreaming: max([], s.gauge(walStreaming)),
  slotRetained: max([], s.gauge(walSlotRetained)),
  copyLag: max(['copy'], s.gauge(copyLag)),
  sinceCopy: sub(time(), max(['copy'], s.gauge(copyLastSuccess))),
};
