import {
  backupConsecutiveFailures,
  backupLastAttempt,
  backupLastDuration,
  backupLastSize,
  backupLastSuccess,
  backupLastVerification,
  backupPruneBlocked,
  backupRepositoryFree,
  backupVerificationOk,
} from '../../catalog/metrics/backups.ts';
import {
  and,
  eq,
  formatDuration,
  gt,
  gte,
  increase,
  jobScope,
  lt,
  max,
  min,
  mul,
  quantileOverTime,
  overTime,
  selectors,
  sub,
  sum,
  time,
  unless,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, steady } from '../fixtures.ts';
import type { AlertSpec, FamilySpec, RuleContext } from '../model.ts';
import { label, tpl } from '../template.ts';
import { agentStatusStep, agentTarget, alert, targetLabels } from './common.ts';

const perTarget = ['job', 'instance', 'target'] as const;
/** A backup whose size halves, or whose duration doubles, against the last week. */
const trendWindow = '7d';

export function backupsFamily(context: RuleContext): FamilySpec {
  const s = selectors(jobScope(context.agentJob));
  const target = agentTarget(context);
  const pg = { ...targetLabels(target), target: 'postgres' };
  const { staleAfterSeconds, restoreVerifyStaleAfterSeconds } = context.backups;
  const lastSuccess = gt(max(perTarget, s.gauge(backupLastSuccess)), 0);
  const age = sub(time(), lastSuccess);
  const verificationAge = (level: '1' | '2') =>
    sub(time(), max([...perTarget, 'level'], s.gauge(backupLastVerification, { level })));
  const plainSize = s.gauge(backupLastSize, { stream: 'plain' });
  const duration = s.gauge(backupLastDuration);
  const blockedWindow = formatDuration(staleAfterSeconds);
  const series = {
    success: (values: string) => input(backupLastSuccess, target, { target: 'postgres' }, values),
    attempt: (values: string) => input(backupLastAttempt, target, { target: 'postgres' }, values),
    streak: (values: string) =>
      input(backupConsecutiveFailures, target, { target: 'postgres' }, values),
    verified: (level: '1' | '2', values: string) =>
      input(backupLastVerification, target, { target: 'postgres', level }, values),
    ok: (values: string) =>
      input(backupVerificationOk, target, { target: 'postgres', level: '1' }, values),
    size: (stream: 'plain' | 'stored', values: string) =>
      input(backupLastSize, target, { target: 'postgres', stream }, values),
    duration: (values: string) => input(backupLastDuration, target, { target: 'postgres' }, values),
    free: (values: string) => input(backupRepositoryFree, target, {}, values),
    blocked: (values: string) =>
      input(
        backupPruneBlocked,
        target,
        { target: 'postgres', reason: 'no_verified_backup' },
        values,
      ),
  };
  // Age thresholds of the default schedule are a day or more away, so those tests sample and
  // evaluate hourly; a short test schedule (minutes) keeps minute steps. promtool's time()
  // starts at 0, so a timestamp of 60 is one minute after the start.
  const step = (seconds: number) => (seconds >= 6 * 3600 ? 3600 : 60);
  const stepped = (seconds: number) => {
    const d = formatDuration(step(seconds));
    return { interval: d, evaluation: d };
  };
  const stepsPast = (seconds: number, extra: number) =>
    formatDuration((Math.floor(seconds / step(seconds)) + extra) * step(seconds));
  const samplesUntil = (seconds: number) => Math.ceil(seconds / step(seconds)) + 3;
  const staleness = (name: string, level: '1' | '2', after: number, what: string): AlertSpec =>
    alert({
      name,
      expr: gt(verificationAge(level), after),
      severity: 'warning',
      summary: tpl`${what} of ${label('target')} backups is overdue`,
      description: tpl`No backup of ${label('target')} has been verified at level ${label('level')} for more than ${formatDuration(after)}.`,
      dashboard: 'backups',
      runbook: {
        meaning: `Level ${level} verification (${level === '1' ? 're-read, checksum, decrypt, decompress and read the whole archive, after every backup' : 'restore into a scratch database and compare row counts, on a schedule'}) has not run within ${formatDuration(after)}. A backup nobody verified may not restore.`,
        causes: [
          'The verify job fails or is skipped (see the agent’s job panel).',
          'The agent was down when it was due.',
        ],
        dependencies: ['postgres'],
        firstQueries: [
          { title: 'Seconds since the last verification', expr: verificationAge(level) },
        ],
        mitigation: [
          'Run `aidb backup list` to find the newest backup, then `aidb backup verify <id>' +
            (level === '2' ? ' --restore`.' : '`.'),
          agentStatusStep,
        ],
      },
      tests: {
        ...stepped(after),
        firing: [
          {
            name: `a verification older than ${formatDuration(after)} fires`,
            series: [series.verified(level, steady(60, samplesUntil(after)))],
            at: stepsPast(after, 2),
            labels: { ...pg, level },
          },
        ],
        silent: [
          {
            name: 'a verification just within the limit stays silent',
            series: [series.verified(level, steady(60, samplesUntil(after)))],
            at: stepsPast(after, 0),
          },
        ],
      },
    });

  const rules: AlertSpec[] = [
    alert({
      name: 'AidbBackupStale',
      expr: gt(age, staleAfterSeconds),
      severity: 'warning',
      summary: tpl`Last successful backup of ${label('target')} is too old`,
      description: tpl`The last successful backup of ${label('target')} is older than the longest gap of the backup schedule plus the grace period (${formatDuration(staleAfterSeconds)}).`,
      dashboard: 'backups',
      runbook: {
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
            series: [series.success(steady(60, samplesUntil(staleAfterSeconds)))],
            at: stepsPast(staleAfterSeconds, 2),
            labels: pg,
          },
        ],
        silent: [
          {
            name: 'a success just within the schedule gap plus grace stays silent',
            series: [series.success(steady(60, samplesUntil(staleAfterSeconds)))],
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
      name: 'AidbBackupVerificationFailed',
      expr: eq(min([...perTarget, 'level'], s.gauge(backupVerificationOk)), 0),
      severity: 'warning',
      summary: tpl`Verification of the latest ${label('target')} backup failed at level ${label('level')}`,
      description: tpl`The last level ${label('level')} verification of a ${label('target')} backup failed: that backup may not restore.`,
      dashboard: 'backups',
      runbook: {
        meaning:
          'Reading back (level 1) or restoring (level 2) the latest backup failed: checksum mismatch, decryption or decompression error, a truncated archive, or row counts that differ.',
        causes: [
          'Corruption on the repository’s storage; a backup cut short; the wrong identity for decryption.',
        ],
        firstQueries: [
          {
            title: 'Verification status by level',
            expr: min([...perTarget, 'level'], s.gauge(backupVerificationOk)),
          },
        ],
        mitigation: [
          'Run `aidb backup verify <id>` on the backup to see the failing step.',
          'Take a new backup with `aidb backup run` and verify it; keep the failed one for forensics (`aidb backup prune` keeps failed backups for a grace period).',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a failed verification fires',
            series: [series.ok('1x4 0x10')],
            at: '10m',
            labels: { ...pg, level: '1' },
          },
        ],
        silent: [
          {
            name: 'a passed verification stays silent',
            series: [series.ok(steady(1, 10))],
            at: '10m',
          },
        ],
      },
    }),
    staleness('AidbBackupVerificationStale', '1', staleAfterSeconds, 'Verification'),
    staleness(
      'AidbBackupRestoreTestStale',
      '2',
      restoreVerifyStaleAfterSeconds,
      'The restore test',
    ),
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
  return {
    id: 'backups',
    title: 'Backups',
    prefixes: ['AidbBackup'],
    groups: [{ name: groupName('backups'), rules }],
  };
}
