import {
  backupConsecutiveFailures,
  backupLastAttempt,
  backupLastDuration,
  backupLastSize,
  backupLastSuccess,
} from '../../catalog/metrics/backups.ts';
import {
  and,
  formatDuration,
  gt,
  gte,
  lt,
  max,
  mul,
  overTime,
  quantileOverTime,
  sub,
  time,
  unless,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { steady } from '../fixtures.ts';
import type { AlertSpec, FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { backupParts, perTarget } from './backup-parts.ts';
import { repositoryAlerts } from './backup-repository.ts';
import { walAlerts } from './backup-wal.ts';
import { verificationAlerts } from './backup-verification.ts';
import { agentStatusStep, alert } from './common.ts';

/** A backup whose size halves, or whose duration doubles, against the last week. */
const trendWindow = '7d';

export function backupsFamily(context: GenerationContext): FamilySpec<'backups'> {
  const { s, pg, series, stepped, stepsPast, samplesUntil, successAt } = backupParts(context);
  const { staleAfterSeconds } = context.backups;
  const lastSuccess = gt(max(perTarget, s.gauge(backupLastSuccess)), 0);
  const age = sub(time(), lastSuccess);
  const plainSize = s.gauge(backupLastSize, { stream: 'plain' });
  const duration = s.gauge(backupLastDuration);
  const rules: AlertSpec[] = [
    alert({
      name: 'AidbBackupStale',
      expr: gt(age, staleAfterSeconds),
      severity: 'warning',
      summary: tpl`Last successful backup of ${label('target')} is too old`,
      description: tpl`The last successful backup of ${label('target')} is older than the longest gap of the backup schedule plus the grace period (${formatDuration(staleAfterSeconds)}).`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning: `No backup of the target has succeeded within the longest gap between two scheduled runs plus \`generate.backupStaleGraceSeconds\` (${formatDuration(staleAfterSeconds)} in total). A restore now would lose everything since then.`,
        causes: [
          'Backups fail (see the failure alerts and reasons).',
          'The scheduler is off or the agent was down when runs were due.',
        ],
        dependencies: ['postgres', 'qdrant'],
        firstQueries: [{ title: 'Age of the last successful backup', expr: age }],
        mitigation: [
          'Run `aidb backup list` to see the newest backups and their states.',
          'Take one now with `aidb backup run` and watch it finish.',
          agentStatusStep,
        ],
      },
      tests: {
        ...stepped(staleAfterSeconds),
        firing: [
          {
            name: 'a last success older than the schedule gap plus grace fires',
            series: [
              series.success(steady(successAt(staleAfterSeconds), samplesUntil(staleAfterSeconds))),
            ],
            at: stepsPast(staleAfterSeconds, 2),
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'a success just within the schedule gap plus grace stays silent',
            series: [
              series.success(steady(successAt(staleAfterSeconds), samplesUntil(staleAfterSeconds))),
            ],
            at: stepsPast(staleAfterSeconds, 0),
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupNeverSucceeded',
      expr: unless(gt(max(perTarget, s.gauge(backupLastAttempt)), 0), lastSuccess),
      for: '1h',
      severity: 'warning',
      summary: tpl`No backup of ${label('target')} has ever succeeded`,
      description: tpl`Backups of ${label('target')} have been attempted for an hour, and none has ever succeeded.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'The agent tries to back up the target but has no successful backup at all: there is nothing to restore.',
        causes: [
          'A configuration problem from the start: credentials, `pg_dump` missing or of the wrong version, no recipients for encryption, an unwritable repository.',
        ],
        dependencies: ['postgres', 'qdrant'],
        firstQueries: [
          { title: 'Last attempt per target', expr: max(perTarget, s.gauge(backupLastAttempt)) },
        ],
        mitigation: [
          'Run `aidb backup run` by hand: it prints the failing stage and its error.',
          agentStatusStep,
        ],
      },
      tests: {
        firing: [
          {
            name: 'attempts without any success fire after an hour',
            series: [series.attempt('0 60x80'), series.success(steady(0, 80))],
            onset: '1m',
            at: '61m',
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'attempts with a success stay silent',
            series: [series.attempt(steady(60, 80)), series.success(steady(60, 80))],
            at: '70m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupFailedTwice',
      expr: gte(max(perTarget, s.gauge(backupConsecutiveFailures)), 2),
      severity: 'warning',
      summary: tpl`The last two backups of ${label('target')} failed`,
      description: tpl`Backups of ${label('target')} have failed at least twice in a row.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'Two scheduled backups in a row failed; one failure can be a blip, two is a problem that will not go away alone.',
        causes: [
          'The source is down or refuses the dump; the repository is full; encryption keys are missing.',
        ],
        dependencies: ['postgres', 'qdrant'],
        firstQueries: [
          {
            title: 'Failures in a row per target',
            expr: max(perTarget, s.gauge(backupConsecutiveFailures)),
          },
        ],
        mitigation: [
          'Read the failure reason on the backups dashboard (runs by reason).',
          'Run `aidb backup run` by hand to see the error, fix it, and check `aidb backup list`.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'two failures in a row fire',
            series: [series.streak('0x4 1x4 2x10')],
            at: '12m',
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'a single failure stays silent',
            series: [series.streak('0x4 1x4 0x10')],
            at: '12m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupSizeDropped',
      expr: lt(
        max(perTarget, plainSize),
        mul(max(perTarget, overTime('max', plainSize, trendWindow)), '0.5'),
      ),
      severity: 'warning',
      summary: tpl`Backup of ${label('target')} shrank to less than half its size`,
      description: tpl`The last backup of ${label('target')} is less than half the size of the largest one in the last 7 days: data may be missing from the source or from the dump.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'The plain (uncompressed) dump is less than half the largest one of the last week. Large deletions explain it; otherwise the dump may be incomplete.',
        causes: [
          'Mass deletion or garbage collection in the source.',
          'A dump of the wrong database or a partial Qdrant snapshot.',
        ],
        dependencies: ['postgres', 'qdrant'],
        firstQueries: [{ title: 'Plain size of the last backup', expr: max(perTarget, plainSize) }],
        mitigation: [
          'Compare `aidb backup list` sizes and row counts of the last backups.',
          'Check the documents and collections panels of the knowledge-base dashboard for a matching drop.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a size drop from 1000 to 400 bytes fires',
            series: [series.size('plain', '1000x60 400x10')],
            at: '65m',
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'a size drop from 1000 to 900 bytes stays silent',
            series: [series.size('plain', '1000x60 900x10')],
            at: '65m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupDurationDoubled',
      expr: and(
        gt(
          max(perTarget, duration),
          mul(max(perTarget, quantileOverTime(0.5, duration, trendWindow)), 2),
        ),
        gt(max(perTarget, duration), 60),
      ),
      severity: 'warning',
      summary: tpl`Backup of ${label('target')} took more than twice as long as usual`,
      description: tpl`The last backup of ${label('target')} took over a minute and more than twice the median duration of the last 7 days.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'The backup took more than twice its usual (median) time; if it keeps growing it will overlap the next run or the busy hours.',
        causes: [
          'Much more data; a slow disk or network to the repository; the source under load during the dump.',
        ],
        dependencies: ['postgres', 'qdrant'],
        firstQueries: [{ title: 'Duration of the last backup', expr: max(perTarget, duration) }],
        mitigation: [
          'Compare sizes on the backups dashboard; check the repository disk and the source’s load at backup time.',
          'Move `AIDB_BACKUP_SCHEDULE` to a quieter hour if the source is busy then.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a run of 300 s after runs of 100 s fires',
            series: [series.duration('100x60 300x10')],
            at: '65m',
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'a run of 150 s after runs of 100 s stays silent',
            series: [series.duration('100x60 150x10')],
            at: '65m',
          },
          {
            name: 'a run of 30 s after runs of 10 s is too short to matter',
            series: [series.duration('10x60 30x10')],
            at: '65m',
          },
        ],
      },
    }),
    ...verificationAlerts(context),
    ...repositoryAlerts(context),
    ...walAlerts(context),
  ];
  return {
    id: 'backups',
    title: 'Backups',
    prefixes: ['AidbBackup'],
    groups: [{ name: groupName('backups'), rules }],
  };
}
