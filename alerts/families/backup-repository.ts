import {
  backupLastSize,
  backupPruneBlocked,
  backupRepositoryFree,
  backupsStored,
} from '../../catalog/metrics/backups.ts';
import { formatDuration, gt, increase, lt, max, min, mul, sum } from '../../lib/promql/index.ts';
import { steady } from '../fixtures.ts';
import type { AlertSpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { backupParts, perTarget } from './backup-parts.ts';
import { alert, targetLabels } from './common.ts';

/** Room for the next backups, retention that can delete old ones, and data that is still there. */
export function repositoryAlerts(context: GenerationContext): AlertSpec[] {
  const { s, target, pg, series } = backupParts(context);
  // A prune keeps alerting until a run within the schedule's gap passes without being blocked.
  const blockedWindow = formatDuration(context.backups.staleAfterSeconds);
  const missing = max([...perTarget], s.gauge(backupsStored, { state: 'missing' }));
  return [
    alert({
      name: 'AidbBackupDataMissing',
      expr: gt(missing, 0),
      severity: 'warning',
      summary: tpl`${label('target')} backups of ${label('instance')} have data files missing`,
      description: tpl`The repository of ${label('instance')} holds ${label('target')} backups whose data file is gone or has another size than their manifest records: they cannot be restored.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'A manifest names a data file that is no longer there as written. The agent checks every part with a `stat` after each job and every five minutes; `aidb backup list` shows such backups as `missing`. Retention no longer counts them as verified and deletes their manifests after the grace period.',
        causes: [
          'Someone deleted or moved files in the repository by hand, or a cleanup tool did.',
          'The repository volume was restored from an older snapshot, or a disk lost data.',
          'Another installation shares the directory and pruned it.',
        ],
        firstQueries: [{ title: 'Backups with missing data by target', expr: missing }],
        mitigation: [
          'Run `aidb backup list`: it names each missing or resized file on standard error.',
          'Bring the file back from a copy if there is one; otherwise run `aidb agent run-job backup` so a complete, verified backup exists again.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a backup whose data file disappeared fires',
            series: [series.missing('0x4 1x20')],
            at: '10m',
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'every data file in place stays silent',
            series: [series.missing(steady(0, 25))],
            at: '20m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupRepositorySpaceLow',
      expr: lt(
        min(['job', 'instance'], s.gauge(backupRepositoryFree)),
        mul(sum(['job', 'instance'], s.gauge(backupLastSize, { stream: 'stored' })), 2),
      ),
      for: '15m',
      severity: 'warning',
      summary: tpl`Backup repository of ${label('instance')} has room for less than two more backups`,
      description: tpl`Free space in the backup repository of ${label('instance')} is below twice the size of the latest stored backups: the next runs will fail with a full disk.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'The file system of the repository has less free space than two more backups of every target need.',
        causes: [
          'Retention keeps more than the disk holds; prune is blocked; other data fills the disk.',
        ],
        firstQueries: [
          {
            title: 'Free bytes in the repository',
            expr: min(['job', 'instance'], s.gauge(backupRepositoryFree)),
          },
        ],
        mitigation: [
          'Run `aidb backup prune --dry-run` to see what retention would delete, then `aidb backup prune`.',
          'Grow the volume or lower `AIDB_BACKUP_KEEP_DAILY`/`_WEEKLY`/`_MONTHLY`.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'free space below two backups fires after fifteen minutes',
            series: [series.size('stored', steady(1000, 30)), series.free('5000x4 1500x30')],
            onset: '5m',
            at: '20m',
            labels: targetLabels(target),
          },
        ],
        silent: [
          {
            name: 'room for five backups stays silent',
            series: [series.size('stored', steady(1000, 30)), series.free(steady(5000, 30))],
            at: '25m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupPruneBlocked',
      expr: gt(
        sum([...perTarget, 'reason'], increase(s.counter(backupPruneBlocked), blockedWindow)),
        0,
      ),
      severity: 'warning',
      summary: tpl`Retention of ${label('target')} backups is blocked (${label('reason')})`,
      description: tpl`A prune run for ${label('target')} refused to delete within the last ${blockedWindow} because of its safety rule ${label('reason')}.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'Retention stopped itself rather than delete: on clock skew, when no verified backup exists, or when a run would delete more than its maximum. Old backups pile up until it is resolved.',
        causes: [
          'No verified backup (verification failing).',
          'The host clock jumped.',
          'A policy change that would delete many backups at once.',
        ],
        firstQueries: [
          {
            title: 'Blocked prunes by reason',
            expr: sum(
              [...perTarget, 'reason'],
              increase(s.counter(backupPruneBlocked), blockedWindow),
            ),
          },
        ],
        mitigation: [
          'Run `aidb backup prune --dry-run` to see the plan and the rule that blocks it.',
          'Fix verification (`aidb backup verify <id>`) or the clock; prune then proceeds on its next run.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a blocked prune fires',
            series: [series.blocked('0x9 1x20')],
            at: '11m',
            labels: { ...pg, reason: 'no_verified_backup' },
          },
        ],
        silent: [
          {
            name: 'no blocked prune stays silent',
            series: [series.blocked(steady(0, 30))],
            at: '20m',
          },
        ],
      },
    }),
  ];
}
